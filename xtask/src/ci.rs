//! `cargo xtask ci`. (Placeholder: being written.)

/// Options.
#[derive(clap::Args)]
pub struct Args {}

/// Runs the job.
pub fn run(_args: Args) -> anyhow::Result<()> {
    anyhow::bail!("not written yet")
}
