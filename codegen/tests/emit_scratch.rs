//! Manual inspection: `EMIT_INPUT=x.svd EMIT_OUTPUT=out.rs cargo test --test
//! emit_scratch -- --ignored` writes the generated module for any input,
//! after validation (the emitter takes nothing else).

#[test]
#[ignore = "manual: needs EMIT_INPUT and EMIT_OUTPUT"]
fn generate_for_inspection() {
    let input = std::env::var("EMIT_INPUT").expect("EMIT_INPUT names the input");
    let output = std::env::var("EMIT_OUTPUT").expect("EMIT_OUTPUT names the output");
    let text = std::fs::read_to_string(&input).expect("readable input");
    let parsed = if input.ends_with(".svd") {
        mmreg_codegen::svd::parse(&text, &input)
    } else {
        mmreg_codegen::yaml::parse(&text, &input)
    };
    let (device, _) = parsed.unwrap_or_else(|error| panic!("{error}"));
    let (model, _) = mmreg_codegen::validate::validate(device)
        .unwrap_or_else(|diagnostics| panic!("{}", mmreg_codegen::Diagnostics(diagnostics)));
    let started = std::time::Instant::now();
    let code =
        mmreg_codegen::emit::emit(&model, &input, true).unwrap_or_else(|error| panic!("{error}"));
    eprintln!("emit: {:?}", started.elapsed());
    std::fs::write(output, code).expect("writable output");
}
