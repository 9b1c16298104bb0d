//! Figure 5: what sharing and array inference save, per corpus file, in
//! generated lines (the same emitter with each switch off and on).

use std::fmt::Write as _;
use std::path::PathBuf;

use mmreg_codegen::Options;

use super::Report;
use super::peers;

/// Generates every file three ways: nothing merged, identical types shared,
/// and shared plus arrays inferred (the default).
pub fn run(files: &[PathBuf], report: &mut Report) -> anyhow::Result<()> {
    let mut table = String::from(
        "| file | warnings | lines, nothing shared | lines, types shared | lines, shared + arrays (default) | default / nothing shared |\n\
         |---|---:|---:|---:|---:|---:|\n",
    );
    let mut ratios = Vec::new();
    for file in files {
        let stem = peers::file_stem(file);
        eprintln!("sharing: {stem}");
        let loaded = mmreg_codegen::load(file)?;
        let name = file
            .file_name()
            .map_or(stem.clone(), |n| n.to_string_lossy().into_owned());
        let lines = |share_types, infer_arrays| -> anyhow::Result<usize> {
            let options = Options {
                share_types,
                infer_arrays,
                ..Options::default()
            };
            Ok(
                mmreg_codegen::generate_with(&loaded.device, &name, options)?
                    .lines()
                    .count(),
            )
        };
        let nothing = lines(false, false)?;
        let shared = lines(true, false)?;
        let default = lines(true, true)?;
        let ratio = default as f64 / nothing as f64;
        ratios.push(ratio);
        let _ = writeln!(
            table,
            "| {stem} | {} | {nothing} | {shared} | {default} | {ratio:.2} |",
            loaded.warnings.len()
        );
    }
    let _ = write!(
        table,
        "\nLines of the formatted output of `cargo xtask codegen` with `--no-share --no-arrays`, \
         with `--no-arrays`, and with neither; warnings are after deduplication by source location.\n"
    );
    report.section("5. Sharing and array inference", table);
    ratios.sort_by(f64::total_cmp);
    if let Some(median) = ratios.get(ratios.len() / 2) {
        report.summary(format!(
            "sharing + arrays: generated lines are {median:.2}x those with nothing shared (median over {} files)",
            ratios.len()
        ));
    }
    Ok(())
}
