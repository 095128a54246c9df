//! Generated flag images: one valid GIF per country code, sized like the real ones.
//!
//! `cargo run -p flags-app -- -a` must work on a fresh machine, so the embedded server
//! cannot rely on the book's archive of CIA Factbook flags. Instead it draws a flag for
//! each of the 194 codes: a deterministic design derived from the code, encoded with
//! the `gif` crate. The point is not beauty but realistic *payloads*: the real files
//! are 1.2 to 36 KB, about 12 KB on average (median 9.9 KB), and the download timings
//! depend on those sizes.
//!
//! ## Parts
//!
//! - `target_sizes`: gives each code a target file size. The codes are ranked by a
//!   hash of the code and rank `i` gets the `(i + 0.5) / 194` quantile of a size
//!   distribution shaped like the real archive's (`SIZE_QUANTILES`). So the set of
//!   sizes is the same every run and its mean and spread match the real flags.
//! - `Design`: stripes or a canton, from a palette of flag colours, picked by a
//!   SplitMix64 stream seeded with the code.
//! - Texture: GIF's LZW compresses flat areas to almost nothing (a plain tricolour is
//!   about 1 KB), so each pixel is, with probability `grain`, swapped for a lighter or
//!   darker shade of its colour, like the weave of cloth. The file size grows with
//!   `grain`; `render_to_size` solves a small model of that growth for `grain`,
//!   encodes, corrects the model from the result, and stops within `SIZE_TOLERANCE`.
//! - [`FlagImages`]: the cache. Each image is made on first use (`OnceLock`), and
//!   [`FlagImages::warm_up`] can fill the cache on a background thread.
//!
//! What a production server does differently: it serves files, with `sendfile` and
//! caching headers. Generating is only our way to need no data files.

use std::borrow::Cow;
use std::sync::{Arc, OnceLock};

use crate::countries::COUNTRIES;
use crate::prng::SplitMix64;

/// (quantile, bytes) points of the real flag archive's size distribution: min, 10 %,
/// 25 %, median, 75 %, 90 %, max. Measured on the book's 194 flag GIFs.
const SIZE_QUANTILES: [(f64, f64); 7] = [
    (0.0, 1_200.0),
    (0.10, 3_900.0),
    (0.25, 5_500.0),
    (0.50, 9_900.0),
    (0.75, 16_700.0),
    (0.90, 24_400.0),
    (1.0, 36_300.0),
];

/// How close to its target size a generated file must come: 6 %, which one or two
/// encodes reach for almost every flag.
const SIZE_TOLERANCE: f64 = 0.06;

/// Above this target size a flag is drawn on the largest canvas (500 x 333): a
/// smaller one cannot hold enough texture to reach the real archive's largest files.
const LARGE_FLAG_BYTES: usize = 20_000;

/// Flag colours (RGB): the eight most common in real flags.
const FLAG_COLORS: [[u8; 3]; 8] = [
    [206, 17, 38],   // red
    [255, 255, 255], // white
    [0, 56, 147],    // blue
    [0, 122, 61],    // green
    [252, 209, 22],  // yellow
    [0, 0, 0],       // black
    [255, 130, 0],   // orange
    [108, 172, 228], // light blue
];

/// How far a shade is from its flag colour, in RGB units.
const SHADE_STEP: i16 = 24;

/// Palette layout: `FLAG_COLORS` at 0..8, their darker shades at 8..16 and their
/// lighter shades at 16..24; padded to 32 entries (GIF palettes are powers of two).
const PALETTE_ENTRIES: usize = 32;

/// The picture of one flag before texture: size, and which colour fills each pixel.
#[derive(Debug, Clone)]
struct Design {
    /// Width in pixels (400 or 500, as most real flags in the archive).
    width: u16,
    /// Height in pixels (two thirds or half of the width).
    height: u16,
    /// Flat colour index (0..8) of each pixel, row by row.
    pixels: Vec<u8>,
}

impl Design {
    /// The flag design of `cc`: deterministic, different codes usually differ. Flags
    /// meant to be larger than [`LARGE_FLAG_BYTES`] get the largest canvas, so that the
    /// texture can reach their size.
    fn for_code(cc: &str, target: usize) -> Self {
        let mut rng = SplitMix64::from_text(cc);
        let large = target > LARGE_FLAG_BYTES;
        let width: u16 = if large || rng.below(2) == 0 { 500 } else { 400 };
        let height: u16 = if !large && rng.below(3) == 0 {
            width / 2
        } else {
            width * 2 / 3
        };
        let mut colors = [0u8; 3];
        for slot in 0..colors.len() {
            loop {
                let candidate = rng.below(FLAG_COLORS.len() as u64) as u8;
                if !colors[..slot].contains(&candidate) {
                    colors[slot] = candidate;
                    break;
                }
            }
        }
        let layout = rng.below(4);
        let (w, h) = (usize::from(width), usize::from(height));
        let mut pixels = vec![0u8; w * h];
        for y in 0..h {
            for x in 0..w {
                pixels[y * w + x] = match layout {
                    // Horizontal tricolour.
                    0 => colors[y * 3 / h],
                    // Vertical tricolour.
                    1 => colors[x * 3 / w],
                    // Two horizontal bands with a triangle at the hoist.
                    2 if x * h * 3 < w * (h - (2 * y).abs_diff(h)) => colors[2],
                    2 => colors[y * 2 / h],
                    // A field with a canton in the upper hoist quarter.
                    _ if x < w * 2 / 5 && y < h / 2 => colors[1],
                    _ => colors[if (y * 13 / h) % 2 == 0 { 0 } else { 2 }],
                };
            }
        }
        Self {
            width,
            height,
            pixels,
        }
    }

    /// Encodes the design with texture `grain` (0.0 flat to 1.0 all shaded); the
    /// texture stream is seeded by `cc` so the bytes are the same every run.
    fn render(&self, cc: &str, grain: f64) -> Vec<u8> {
        let mut rng = SplitMix64::from_text(&format!("{cc}/texture"));
        let indices: Vec<u8> = self
            .pixels
            .iter()
            .map(|&color| {
                if rng.unit() < grain {
                    // Darker (8..16) or lighter (16..24) shade of the same colour.
                    color + if rng.below(2) == 0 { 8 } else { 16 }
                } else {
                    color
                }
            })
            .collect();
        encode_gif(self.width, self.height, &indices)
    }
}

/// The 32-entry RGB palette: flag colours, darker shades, lighter shades, padding.
fn palette() -> Vec<u8> {
    let shade = |rgb: [u8; 3], delta: i16| rgb.map(|c| (i16::from(c) + delta).clamp(0, 255) as u8);
    let mut entries: Vec<[u8; 3]> = FLAG_COLORS.to_vec();
    entries.extend(FLAG_COLORS.iter().map(|&c| shade(c, -SHADE_STEP)));
    entries.extend(FLAG_COLORS.iter().map(|&c| shade(c, SHADE_STEP)));
    entries.resize(PALETTE_ENTRIES, [0, 0, 0]);
    entries.concat()
}

/// One-frame GIF with the global palette. Writing into a `Vec` cannot fail for I/O
/// reasons, and the frame's size always matches its buffer, so errors are impossible;
/// an empty Vec is returned if the encoder ever reports one anyway.
fn encode_gif(width: u16, height: u16, indices: &[u8]) -> Vec<u8> {
    let mut out = Vec::new();
    let palette = palette();
    let result = (|| -> Result<(), gif::EncodingError> {
        let mut encoder = gif::Encoder::new(&mut out, width, height, &palette)?;
        let frame = gif::Frame {
            width,
            height,
            buffer: Cow::Borrowed(indices),
            ..gif::Frame::default()
        };
        encoder.write_frame(&frame)
    })();
    if result.is_err() {
        out.clear();
    }
    out
}

/// Bits of information per pixel that texture `grain` adds: whether the pixel is
/// shaded (binary entropy of `grain`) plus, if it is, which of two shades.
fn texture_bits(grain: f64) -> f64 {
    let binary_entropy = |p: f64| {
        if p <= 0.0 || p >= 1.0 {
            0.0
        } else {
            -(p * p.log2() + (1.0 - p) * (1.0 - p).log2())
        }
    };
    binary_entropy(grain) + grain
}

/// The `grain` in `0..=MAX_GRAIN` whose [`texture_bits`] is `bits` (bisection on a
/// closed form: no encoding involved).
fn grain_for_bits(bits: f64) -> f64 {
    let (mut low, mut high) = (0.0, MAX_GRAIN);
    for _ in 0..40 {
        let mid = (low + high) / 2.0;
        if texture_bits(mid) < bits {
            low = mid;
        } else {
            high = mid;
        }
    }
    (low + high) / 2.0
}

/// `texture_bits` grows up to this grain (log2(3) bits: plain, dark, light equally
/// likely) and falls after it, so the search stays below.
const MAX_GRAIN: f64 = 2.0 / 3.0;

/// First guess of LZW's cost in file bytes per bit of texture information: the
/// median measured over the 194 designs (they range from 0.14 to 0.23). Each encode
/// then measures the real figure for this design.
const INITIAL_BYTES_PER_BIT: f64 = 0.175;

/// Encodes at most this many times per flag (three is typical).
const MAX_ATTEMPTS: u32 = 6;

/// Renders `cc`'s flag with the texture that brings its file closest to `target` bytes.
///
/// The model: `size = flat + cost * pixels * texture_bits(grain)`. Each attempt solves
/// it for `grain`, encodes, then re-measures `cost` from the result, so the model
/// corrects itself where LZW is more or less efficient than assumed.
fn render_to_size(cc: &str, target: usize) -> Vec<u8> {
    let design = Design::for_code(cc, target);
    let pixels = design.pixels.len() as f64;
    let flat = design.render(cc, 0.0);
    let flat_len = flat.len() as f64;
    let mut best = flat;
    let mut cost = INITIAL_BYTES_PER_BIT;
    for _ in 0..MAX_ATTEMPTS {
        if (best.len() as f64 - target as f64).abs() <= target as f64 * SIZE_TOLERANCE {
            break;
        }
        let bits = (target as f64 - flat_len).max(0.0) / (cost * pixels);
        let grain = grain_for_bits(bits);
        let image = design.render(cc, grain);
        let measured = texture_bits(grain) * pixels;
        if measured > 0.0 && image.len() as f64 > flat_len {
            cost = (image.len() as f64 - flat_len) / measured;
        }
        if image.len().abs_diff(target) < best.len().abs_diff(target) {
            best = image;
        } else if grain >= MAX_GRAIN * 0.999 {
            break; // as large as this design gets
        }
    }
    best
}

/// The bytes at quantile `q` of the size distribution (linear between the points).
fn size_at_quantile(q: f64) -> f64 {
    for pair in SIZE_QUANTILES.windows(2) {
        let ((q0, s0), (q1, s1)) = (pair[0], pair[1]);
        if q <= q1 {
            return s0 + (s1 - s0) * (q - q0) / (q1 - q0);
        }
    }
    SIZE_QUANTILES[SIZE_QUANTILES.len() - 1].1
}

/// Target file size of each entry of [`COUNTRIES`], in the same order.
fn target_sizes() -> Vec<usize> {
    let mut ranked: Vec<(u64, usize)> = COUNTRIES
        .iter()
        .enumerate()
        .map(|(index, (cc, _))| {
            (
                SplitMix64::from_text(&format!("{cc}/size")).next_u64(),
                index,
            )
        })
        .collect();
    ranked.sort_unstable();
    let mut targets = vec![0; COUNTRIES.len()];
    for (rank, (_, index)) in ranked.into_iter().enumerate() {
        let quantile = (rank as f64 + 0.5) / COUNTRIES.len() as f64;
        targets[index] = size_at_quantile(quantile) as usize;
    }
    targets
}

/// The cache of generated flags, shared by the server's connections (`Arc`).
#[derive(Debug)]
pub struct FlagImages {
    /// Target size in bytes of each entry of [`COUNTRIES`], same order.
    targets: Vec<usize>,
    /// The GIF of each entry of [`COUNTRIES`], made on first use by whichever thread
    /// asks first; later readers share the bytes.
    images: Vec<OnceLock<Arc<[u8]>>>,
}

impl Default for FlagImages {
    fn default() -> Self {
        Self::new()
    }
}

impl FlagImages {
    /// An empty cache; nothing is drawn until asked for.
    pub fn new() -> Self {
        Self {
            targets: target_sizes(),
            images: COUNTRIES.iter().map(|_| OnceLock::new()).collect(),
        }
    }

    /// The GIF for upper-case `cc`, or `None` if it is not one of the 194 codes.
    pub fn get(&self, cc: &str) -> Option<Arc<[u8]>> {
        let index = COUNTRIES
            .binary_search_by(|(code, _)| (*code).cmp(cc))
            .ok()?;
        let image =
            self.images[index].get_or_init(|| render_to_size(cc, self.targets[index]).into());
        Some(Arc::clone(image))
    }

    /// Draws the flags of `codes` now (call it on a spare thread so the first
    /// requests find their image ready); unknown codes are skipped.
    pub fn warm_up<'a>(&self, codes: impl IntoIterator<Item = &'a str>) {
        for cc in codes {
            let _ = self.get(cc);
        }
    }

    /// Every code that has a flag, for [`FlagImages::warm_up`].
    pub fn all_codes() -> impl Iterator<Item = &'static str> {
        COUNTRIES.iter().map(|(cc, _)| *cc)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn target_sizes_follow_the_real_archive() {
        let targets = target_sizes();
        let mean = targets.iter().sum::<usize>() as f64 / targets.len() as f64;
        assert!(targets.iter().all(|&t| (1_200..=36_300).contains(&t)));
        assert!((11_000.0..13_000.0).contains(&mean), "mean {mean}");
        assert!(*targets.iter().max().unwrap() > 33_000);
        assert!(*targets.iter().min().unwrap() < 1_500);
    }

    #[test]
    fn sample_flags_decode_and_come_close_to_their_targets() {
        let images = FlagImages::new();
        let targets = target_sizes();
        for cc in ["AD", "BR", "CN", "US", "ZW"] {
            let index = COUNTRIES.iter().position(|(code, _)| *code == cc).unwrap();
            let gif = images.get(cc).unwrap();
            let target = targets[index] as f64;
            let off = (gif.len() as f64 - target).abs() / target;
            assert!(
                off <= 0.10,
                "{cc}: {} bytes for a {target} target",
                gif.len()
            );
            let mut decoder = gif::DecodeOptions::new().read_info(&gif[..]).unwrap();
            let frame = decoder.read_next_frame().unwrap().unwrap();
            assert!(frame.width >= 400 && frame.height >= 200);
        }
    }

    #[test]
    fn images_are_deterministic_and_cached() {
        let first = FlagImages::new();
        let second = FlagImages::new();
        assert_eq!(first.get("BR"), second.get("BR"));
        assert_ne!(first.get("BR"), first.get("BS"));
        let again = first.get("BR").unwrap();
        assert!(Arc::ptr_eq(&again, &first.get("BR").unwrap()));
        assert_eq!(first.get("XX"), None);
    }
}
