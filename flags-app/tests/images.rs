//! The generated flags as a set: 194 valid GIFs whose sizes look like the real
//! archive's (1.2 to 36 KB, about 12 KB on average).

mod util;

use flags_app::countries::COUNTRIES;
use flags_app::gifgen::FlagImages;
use util::gif_size;

#[test]
fn all_194_generated_flags_are_valid_gifs_with_realistic_sizes() {
    let images = FlagImages::new();
    let mut sizes = Vec::new();
    for (cc, _) in COUNTRIES {
        let gif = images
            .get(cc)
            .unwrap_or_else(|| panic!("{cc} has no image"));
        let (width, height) = gif_size(&gif).unwrap_or_else(|err| panic!("{cc}: {err}"));
        assert!(
            (400..=500).contains(&width) && (200..=334).contains(&height),
            "{cc}: {width}x{height}"
        );
        sizes.push(gif.len());
    }
    let min = sizes.iter().copied().min().unwrap_or(0);
    let max = sizes.iter().copied().max().unwrap_or(0);
    let mean = sizes.iter().sum::<usize>() / sizes.len();
    assert!((1_000..=1_600).contains(&min), "min {min}");
    assert!((32_000..=37_000).contains(&max), "max {max}");
    assert!((11_000..=13_500).contains(&mean), "mean {mean}");
    let mut distinct = sizes.clone();
    distinct.sort_unstable();
    distinct.dedup();
    assert!(distinct.len() > 150, "sizes should vary from flag to flag");
}
