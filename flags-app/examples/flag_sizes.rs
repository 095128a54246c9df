//! Prints the size distribution of the generated flag images, and the time taken.
//!
//! Run: `cargo run --release -p flags-app --example flag_sizes [OUT_DIR]`
//! With OUT_DIR, also writes the 194 GIFs there as `flags/{cc}/{cc}.gif`.

use std::time::Instant;

use flags_app::countries::COUNTRIES;
use flags_app::gifgen::FlagImages;

fn main() -> std::io::Result<()> {
    let out_dir = std::env::args_os().nth(1).map(std::path::PathBuf::from);
    let started = Instant::now();
    let images = FlagImages::new();
    let mut sizes = Vec::new();
    for (cc, _) in COUNTRIES {
        let Some(gif) = images.get(cc) else { continue };
        sizes.push(gif.len());
        if let Some(dir) = &out_dir {
            let lower = cc.to_ascii_lowercase();
            let folder = dir.join("flags").join(&lower);
            std::fs::create_dir_all(&folder)?;
            std::fs::write(folder.join(format!("{lower}.gif")), &gif[..])?;
        }
    }
    let elapsed = started.elapsed();
    sizes.sort_unstable();
    let total: usize = sizes.iter().sum();
    let at = |q: f64| sizes[((sizes.len() - 1) as f64 * q) as usize];
    println!(
        "{} images, {total} bytes: min {}, median {}, mean {}, max {} (drawn in {:.2?})",
        sizes.len(),
        at(0.0),
        at(0.5),
        total / sizes.len().max(1),
        at(1.0),
        elapsed
    );
    Ok(())
}
