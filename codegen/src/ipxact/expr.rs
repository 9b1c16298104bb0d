//! IEEE 1685-2014 expressions: the SystemVerilog subset IP-XACT values are
//! written in (`'h10`, `4'b0000`, `uuid_…*7`, `('hFF) / $pow(2,8) % $pow(2,8)`,
//! `$clog2(WIDTH)`), parsed to a small tree and evaluated with checked
//! 128-bit integer arithmetic.
//!
//! Bounded on any input: the text is at most [`MAX_LENGTH`] bytes, nesting
//! (parentheses, unary operators, `?:`, calls) at most [`MAX_DEPTH`] levels,
//! so both the parser and the evaluator recurse a bounded number of times;
//! every operation is checked (overflow, division by zero, shifts and powers
//! past 128 bits are errors, never a panic or a wrapped value). Parameter
//! references go to a [`Resolve`]r, which bounds and memoises its own
//! recursion (see `params`).

/// Longest expression accepted, in bytes.
pub(super) const MAX_LENGTH: usize = 4096;
/// Deepest nesting accepted.
pub(super) const MAX_DEPTH: usize = 64;
/// Most tokens accepted (bounds the depth of a left-nested operator chain).
pub(super) const MAX_TOKENS: usize = 512;

/// Looks up a parameter reference's value.
pub(super) trait Resolve {
    /// The value of the parameter `name` refers to, or why there is none.
    fn resolve(&mut self, name: &str) -> Result<i128, String>;
}

/// A resolver for constant expressions: every reference is an error.
pub(super) struct NoReferences;

impl Resolve for NoReferences {
    fn resolve(&mut self, name: &str) -> Result<i128, String> {
        Err(format!(
            "`{name}` is not a number (no references allowed here)"
        ))
    }
}

/// Parses and evaluates `text`.
pub(super) fn evaluate(text: &str, resolver: &mut dyn Resolve) -> Result<i128, String> {
    let expression = parse(text)?;
    eval(&expression, resolver)
}

/// Parses `text` into a tree without evaluating it.
pub(super) fn parse(text: &str) -> Result<Expr, String> {
    if text.len() > MAX_LENGTH {
        return Err(format!(
            "expression of {} bytes (at most {MAX_LENGTH})",
            text.len()
        ));
    }
    let tokens = lex(text)?;
    if tokens.is_empty() {
        return Err("empty value".to_string());
    }
    if tokens.len() > MAX_TOKENS {
        return Err(format!(
            "expression of {} tokens (at most {MAX_TOKENS})",
            tokens.len()
        ));
    }
    let mut parser = Parser {
        tokens: &tokens,
        at: 0,
        depth: 0,
    };
    let expression = parser.ternary()?;
    match parser.peek() {
        None => Ok(expression),
        Some(token) => Err(format!("unexpected `{}`", token.text())),
    }
}

/// A parsed expression.
#[derive(Debug, Clone, PartialEq)]
pub(super) enum Expr {
    /// A number.
    Number(i128),
    /// A parameter reference.
    Reference(String),
    /// A unary operator.
    Unary(&'static str, Box<Expr>),
    /// A binary operator.
    Binary(&'static str, Box<Expr>, Box<Expr>),
    /// `condition ? then : otherwise`.
    Conditional(Box<Expr>, Box<Expr>, Box<Expr>),
    /// A system function call (`$pow`, `$clog2`).
    Call(String, Vec<Expr>),
}

#[derive(Debug, Clone, PartialEq)]
enum Token {
    Number(i128),
    Identifier(String),
    System(String),
    Operator(&'static str),
}

impl Token {
    fn text(&self) -> String {
        match self {
            Token::Number(value) => value.to_string(),
            Token::Identifier(name) | Token::System(name) => name.clone(),
            Token::Operator(operator) => (*operator).to_string(),
        }
    }
}

/// Operators, longest first so `<<<` wins over `<<` and `<`.
const OPERATORS: &[&str] = &[
    "<<<", ">>>", "**", "<<", ">>", "<=", ">=", "==", "!=", "&&", "||", "+", "-", "*", "/", "%",
    "<", ">", "&", "|", "^", "~", "!", "?", ":", "(", ")", ",",
];

fn lex(text: &str) -> Result<Vec<Token>, String> {
    let bytes = text.as_bytes();
    let mut tokens = Vec::new();
    let mut at = 0;
    while let Some(&byte) = bytes.get(at) {
        if byte.is_ascii_whitespace() {
            at += 1;
        } else if byte.is_ascii_digit() || byte == b'\'' {
            let (value, next) = number(text, at)?;
            tokens.push(Token::Number(value));
            at = next;
        } else if byte.is_ascii_alphabetic() || byte == b'_' || byte == b'$' {
            let end = text[at + 1..]
                .find(|c: char| !(c.is_ascii_alphanumeric() || c == '_' || c == '$'))
                .map_or(text.len(), |offset| at + 1 + offset);
            let word = text[at..end].to_string();
            tokens.push(if byte == b'$' {
                Token::System(word)
            } else {
                Token::Identifier(word)
            });
            at = end;
        } else if let Some(operator) = OPERATORS
            .iter()
            .find(|operator| text[at..].starts_with(**operator))
        {
            tokens.push(Token::Operator(operator));
            at += operator.len();
        } else if byte == b'"' {
            return Err("strings are not numbers".to_string());
        } else {
            let character = text[at..].chars().next().unwrap_or('?');
            return Err(format!("unexpected character `{character}`"));
        }
    }
    Ok(tokens)
}

/// A number starting at `at`: decimal, `0x…`, or a SystemVerilog based
/// literal (`'h1F`, `8'b1010_0000`, `'sd5`). Returns it and the offset after.
fn number(text: &str, at: usize) -> Result<(i128, usize), String> {
    let rest = &text[at..];
    let digits_end = |from: &str, allowed: fn(char) -> bool| {
        from.find(|c: char| !(allowed(c) || c == '_'))
            .unwrap_or(from.len())
    };
    // An optional size, then `'`.
    let size_length = digits_end(rest, |c| c.is_ascii_digit());
    let after_size = rest[size_length..].trim_start();
    if let Some(based) = after_size.strip_prefix('\'') {
        let size = if size_length == 0 {
            None
        } else {
            let size = parse_digits(&rest[..size_length], 10)?;
            if size == 0 {
                return Err("a sized literal of 0 bits".to_string());
            }
            Some(size)
        };
        let based = based.strip_prefix(['s', 'S']).unwrap_or(based);
        let mut chars = based.chars();
        let radix = match chars.next() {
            Some('h' | 'H') => 16,
            Some('d' | 'D') => 10,
            Some('o' | 'O') => 8,
            Some('b' | 'B') => 2,
            other => {
                return Err(format!(
                    "`'` must be followed by a base (h, d, o or b), not `{}`",
                    other.map_or(String::new(), String::from)
                ));
            }
        };
        let body = chars.as_str();
        let body_trimmed = body.trim_start();
        let length = digits_end(body_trimmed, |c| c.is_ascii_alphanumeric() || c == '?');
        let digits = &body_trimmed[..length];
        let value = parse_digits(digits, radix)?;
        let value = match size {
            Some(bits) if bits < 127 => value & ((1i128 << bits) - 1),
            _ => value,
        };
        let consumed = text.len() - body_trimmed.len() + length - at;
        return Ok((value, at + consumed));
    }
    if rest.starts_with("0x") || rest.starts_with("0X") {
        let body = &rest[2..];
        let length = digits_end(body, |c| c.is_ascii_hexdigit());
        return Ok((parse_digits(&body[..length], 16)?, at + 2 + length));
    }
    if rest[size_length..].starts_with('.') {
        return Err("real numbers are not supported".to_string());
    }
    if rest[size_length..].starts_with(|c: char| c.is_ascii_alphabetic()) {
        let end = rest
            .find(|c: char| !c.is_ascii_alphanumeric())
            .unwrap_or(rest.len());
        return Err(format!("`{}` is not a number", &rest[..end]));
    }
    Ok((parse_digits(&rest[..size_length], 10)?, at + size_length))
}

/// Digits (with `_` separators) in `radix`, checked against 128 bits.
fn parse_digits(digits: &str, radix: u32) -> Result<i128, String> {
    let mut value: i128 = 0;
    let mut any = false;
    for character in digits.chars() {
        if character == '_' {
            continue;
        }
        if matches!(character, 'x' | 'X' | 'z' | 'Z' | '?') {
            return Err(format!(
                "`{digits}` has unknown (x/z) bits, which have no value"
            ));
        }
        let digit = character
            .to_digit(radix)
            .ok_or_else(|| format!("`{character}` is not a base-{radix} digit"))?;
        value = value
            .checked_mul(i128::from(radix))
            .and_then(|value| value.checked_add(i128::from(digit)))
            .ok_or_else(|| format!("`{digits}` does not fit in 128 bits"))?;
        any = true;
    }
    if any {
        Ok(value)
    } else {
        Err("a number without digits".to_string())
    }
}

struct Parser<'t> {
    tokens: &'t [Token],
    at: usize,
    depth: usize,
}

/// Binary operators by precedence, lowest first.
const LEVELS: &[&[&str]] = &[
    &["||"],
    &["&&"],
    &["|"],
    &["^"],
    &["&"],
    &["==", "!="],
    &["<", "<=", ">", ">="],
    &["<<", ">>", "<<<", ">>>"],
    &["+", "-"],
    &["*", "/", "%"],
    &["**"],
];

impl Parser<'_> {
    fn peek(&self) -> Option<&Token> {
        self.tokens.get(self.at)
    }

    fn eat(&mut self, operator: &str) -> bool {
        if self.peek() == Some(&Token::Operator(leak(operator))) {
            self.at += 1;
            true
        } else {
            false
        }
    }

    fn expect(&mut self, operator: &str) -> Result<(), String> {
        if self.eat(operator) {
            Ok(())
        } else {
            Err(match self.peek() {
                Some(token) => format!("expected `{operator}`, found `{}`", token.text()),
                None => format!("expected `{operator}` before the end"),
            })
        }
    }

    fn enter(&mut self) -> Result<(), String> {
        self.depth += 1;
        if self.depth > MAX_DEPTH {
            Err(format!("expression nested deeper than {MAX_DEPTH} levels"))
        } else {
            Ok(())
        }
    }

    fn ternary(&mut self) -> Result<Expr, String> {
        self.enter()?;
        let condition = self.binary(0)?;
        let result = if self.eat("?") {
            let then = self.ternary()?;
            self.expect(":")?;
            let otherwise = self.ternary()?;
            Expr::Conditional(Box::new(condition), Box::new(then), Box::new(otherwise))
        } else {
            condition
        };
        self.depth -= 1;
        Ok(result)
    }

    /// Left-associative levels (`**` too: SystemVerilog leaves its
    /// associativity to tools, and left is what they do).
    fn binary(&mut self, level: usize) -> Result<Expr, String> {
        let Some(operators) = LEVELS.get(level) else {
            return self.unary();
        };
        let mut left = self.binary(level + 1)?;
        while let Some(Token::Operator(operator)) = self.peek() {
            let Some(operator) = operators.iter().find(|candidate| *candidate == operator) else {
                break;
            };
            self.at += 1;
            let right = self.binary(level + 1)?;
            left = Expr::Binary(operator, Box::new(left), Box::new(right));
        }
        Ok(left)
    }

    fn unary(&mut self) -> Result<Expr, String> {
        for operator in ["-", "+", "!", "~"] {
            if self.eat(operator) {
                self.enter()?;
                let operand = self.unary()?;
                self.depth -= 1;
                return Ok(Expr::Unary(leak(operator), Box::new(operand)));
            }
        }
        self.primary()
    }

    fn primary(&mut self) -> Result<Expr, String> {
        let Some(token) = self.peek().cloned() else {
            return Err("the expression ends early".to_string());
        };
        self.at += 1;
        match token {
            Token::Number(value) => Ok(Expr::Number(value)),
            Token::Identifier(name) => {
                if self.peek() == Some(&Token::Operator("(")) {
                    return Err(format!("function `{name}` is not supported"));
                }
                Ok(Expr::Reference(name))
            }
            Token::System(name) => {
                self.expect("(")?;
                self.enter()?;
                let mut arguments = Vec::new();
                if !self.eat(")") {
                    loop {
                        arguments.push(self.ternary()?);
                        if self.eat(")") {
                            break;
                        }
                        self.expect(",")?;
                    }
                }
                self.depth -= 1;
                Ok(Expr::Call(name, arguments))
            }
            Token::Operator("(") => {
                let inner = self.ternary()?;
                self.expect(")")?;
                Ok(inner)
            }
            Token::Operator(operator) => Err(format!("unexpected `{operator}`")),
        }
    }
}

/// The `'static` spelling of an operator from [`OPERATORS`].
fn leak(operator: &str) -> &'static str {
    OPERATORS
        .iter()
        .find(|candidate| **candidate == operator)
        .copied()
        .unwrap_or("?")
}

/// Evaluates a parsed expression. Recursion is bounded by the parser's depth
/// limit (a binary chain is left-nested: `a+b+c` nests one level per `+`, so
/// it is bounded by the number of tokens, which [`MAX_LENGTH`] bounds).
pub(super) fn eval(expression: &Expr, resolver: &mut dyn Resolve) -> Result<i128, String> {
    let overflow = |operator: &str| format!("`{operator}` overflows 128 bits");
    match expression {
        Expr::Number(value) => Ok(*value),
        Expr::Reference(name) => resolver.resolve(name),
        Expr::Unary(operator, operand) => {
            let value = eval(operand, resolver)?;
            match *operator {
                "-" => value.checked_neg().ok_or_else(|| overflow("-")),
                "+" => Ok(value),
                "!" => Ok(i128::from(value == 0)),
                _ => Ok(!value),
            }
        }
        Expr::Conditional(condition, then, otherwise) => {
            if eval(condition, resolver)? != 0 {
                eval(then, resolver)
            } else {
                eval(otherwise, resolver)
            }
        }
        Expr::Binary(operator, left, right) => {
            let left = eval(left, resolver)?;
            // Short circuits, as in SystemVerilog.
            match *operator {
                "&&" if left == 0 => return Ok(0),
                "||" if left != 0 => return Ok(1),
                _ => {}
            }
            let right = eval(right, resolver)?;
            binary(operator, left, right)
        }
        Expr::Call(name, arguments) => call(name, arguments, resolver),
    }
}

fn binary(operator: &str, left: i128, right: i128) -> Result<i128, String> {
    let overflow = || format!("`{left} {operator} {right}` overflows 128 bits");
    let truth = |value: bool| Ok(i128::from(value));
    match operator {
        "+" => left.checked_add(right).ok_or_else(overflow),
        "-" => left.checked_sub(right).ok_or_else(overflow),
        "*" => left.checked_mul(right).ok_or_else(overflow),
        "/" | "%" if right == 0 => Err(format!("`{left} {operator} 0` divides by zero")),
        "/" => left.checked_div(right).ok_or_else(overflow),
        "%" => left.checked_rem(right).ok_or_else(overflow),
        "**" => power(left, right),
        "<<" | "<<<" => {
            let shift = shift_amount(right)?;
            let factor = 1i128.checked_shl(shift).filter(|_| shift < 127);
            factor
                .and_then(|factor| left.checked_mul(factor))
                .ok_or_else(overflow)
        }
        ">>" | ">>>" => Ok(left >> shift_amount(right)?.min(127)),
        "<" => truth(left < right),
        "<=" => truth(left <= right),
        ">" => truth(left > right),
        ">=" => truth(left >= right),
        "==" => truth(left == right),
        "!=" => truth(left != right),
        "&" => Ok(left & right),
        "|" => Ok(left | right),
        "^" => Ok(left ^ right),
        "&&" => truth(left != 0 && right != 0),
        "||" => truth(left != 0 || right != 0),
        _ => Err(format!("operator `{operator}` is not supported")),
    }
}

fn shift_amount(amount: i128) -> Result<u32, String> {
    u32::try_from(amount).map_err(|_| format!("shift by `{amount}` bits"))
}

fn power(base: i128, exponent: i128) -> Result<i128, String> {
    if exponent < 0 {
        return Err(format!("`{base} ** {exponent}`: negative exponent"));
    }
    match base {
        0 | 1 => Ok(if exponent == 0 { 1 } else { base }),
        -1 => Ok(if exponent % 2 == 0 { 1 } else { -1 }),
        _ => u32::try_from(exponent)
            .ok()
            .and_then(|exponent| base.checked_pow(exponent))
            .ok_or_else(|| format!("`$pow({base}, {exponent})` overflows 128 bits")),
    }
}

fn call(name: &str, arguments: &[Expr], resolver: &mut dyn Resolve) -> Result<i128, String> {
    let expect = |count: usize| {
        if arguments.len() == count {
            Ok(())
        } else {
            Err(format!(
                "`{name}` takes {count} argument(s), not {}",
                arguments.len()
            ))
        }
    };
    match name {
        "$pow" => {
            expect(2)?;
            let base = eval(&arguments[0], resolver)?;
            let exponent = eval(&arguments[1], resolver)?;
            power(base, exponent)
        }
        "$clog2" => {
            expect(1)?;
            let value = eval(&arguments[0], resolver)?;
            if value < 0 {
                return Err(format!("`$clog2({value})` of a negative number"));
            }
            if value <= 1 {
                return Ok(0);
            }
            Ok(i128::from(128 - (value - 1).leading_zeros()))
        }
        _ => Err(format!("function `{name}` is not supported")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn value(text: &str) -> Result<i128, String> {
        evaluate(text, &mut NoReferences)
    }

    #[test]
    fn literals() {
        assert_eq!(value("'h10"), Ok(16));
        assert_eq!(value("'h0C"), Ok(12));
        assert_eq!(value("4'b0101"), Ok(5));
        assert_eq!(value("32'd5"), Ok(5));
        assert_eq!(value("8'hFF_FF"), Ok(255));
        assert_eq!(value("'sh7f"), Ok(127));
        assert_eq!(value("0x1F"), Ok(31));
        assert_eq!(value("1_000"), Ok(1000));
        assert!(value("'hx1").unwrap_err().contains("unknown"));
        assert!(value("1.5").is_err());
        assert!(value("0'h1").is_err());
    }

    #[test]
    fn arithmetic_and_functions() {
        assert_eq!(value("('hFF000000) / $pow(2,24) % $pow(2,8)"), Ok(0xFF));
        assert_eq!(value("('h1FFFF) / $pow(2,1) % $pow(2,15)"), Ok(0x7FFF));
        assert_eq!(value("$clog2(16)"), Ok(4));
        assert_eq!(value("$clog2(17)"), Ok(5));
        assert_eq!(value("$clog2(1)"), Ok(0));
        assert_eq!(value("2**10"), Ok(1024));
        assert_eq!(value("1 << 4 | 1"), Ok(17));
        assert_eq!(value("3 > 2 ? 'h10 : 'h20"), Ok(16));
        assert_eq!(value("-(4) + 6"), Ok(2));
        assert_eq!(value("10 - 2 - 3"), Ok(5));
        assert_eq!(value("0 && (1/0)"), Ok(0));
    }

    #[test]
    fn errors_never_panic() {
        assert!(value("1/0").unwrap_err().contains("zero"));
        assert!(value("$pow(2, 200)").unwrap_err().contains("overflows"));
        assert!(value("$pow(3, 99999999999)").is_err());
        assert!(value("1 << 200").is_err());
        assert!(value("170141183460469231731687303715884105727 + 1").is_err());
        assert!(value("-170141183460469231731687303715884105727 - 2").is_err());
        assert!(value("99999999999999999999999999999999999999999").is_err());
        assert!(value("$sqrt(4)").is_err());
        assert!(value("foo(1)").is_err());
        assert!(value("(1").is_err());
        assert!(value("1 2").is_err());
        assert!(value("").is_err());
        assert!(value("\"text\"").is_err());
        let deep = format!("{}1{}", "(".repeat(100), ")".repeat(100));
        assert!(value(&deep).unwrap_err().contains("nested"));
        let long = "1+".repeat(3000) + "1";
        assert!(value(&long).unwrap_err().contains("bytes"));
        let chain = "1+".repeat(1000) + "1";
        assert!(value(&chain).unwrap_err().contains("tokens"));
        let chain = "1+".repeat(250) + "1";
        assert_eq!(value(&chain), Ok(251));
        let unary = "-".repeat(200) + "1";
        assert!(value(&unary).is_err());
    }

    #[test]
    fn references_go_to_the_resolver() {
        struct Width;
        impl Resolve for Width {
            fn resolve(&mut self, name: &str) -> Result<i128, String> {
                match name {
                    "uuid_1" => Ok(16),
                    _ => Err(format!("no `{name}`")),
                }
            }
        }
        assert_eq!(evaluate("uuid_1*2+uuid_1-'h4", &mut Width), Ok(44));
        assert_eq!(evaluate("$clog2(uuid_1)", &mut Width), Ok(4));
        assert!(evaluate("other", &mut Width).is_err());
    }
}
