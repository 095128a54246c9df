//! Decoding a screenshot into RGB pixels, to check that a page is not
//! blank and shows the colours it should.

use std::collections::HashSet;
use std::fs::File;
use std::io::BufReader;
use std::path::Path;

/// A decoded screenshot: its size and its pixels, row by row, alpha
/// dropped.
#[derive(Debug, Clone)]
pub struct Screenshot {
    /// Width in pixels.
    pub width: u32,
    /// Height in pixels.
    pub height: u32,
    /// `width * height` RGB pixels.
    pub pixels: Vec<[u8; 3]>,
}

impl Screenshot {
    /// Decodes the 8-bit RGB or RGBA PNG at `path` (what Chromium writes),
    /// failing the test on anything else.
    pub fn decode(path: &Path) -> Screenshot {
        let file = BufReader::new(File::open(path).expect("the screenshot exists"));
        let mut reader = png::Decoder::new(file).read_info().expect("a PNG");
        let mut buffer = vec![0; reader.output_buffer_size().expect("a sane size")];
        let info = reader.next_frame(&mut buffer).expect("a frame");
        assert_eq!(info.bit_depth, png::BitDepth::Eight);
        let channels = match info.color_type {
            png::ColorType::Rgb => 3,
            png::ColorType::Rgba => 4,
            other => panic!("unexpected colour type {other:?}"),
        };
        let pixels = buffer[..info.buffer_size()]
            .chunks_exact(channels)
            .map(|p| [p[0], p[1], p[2]])
            .collect();
        Screenshot {
            width: info.width,
            height: info.height,
            pixels,
        }
    }

    /// How many different colours it shows: a blank page shows one or two.
    pub fn colours(&self) -> usize {
        self.pixels.iter().collect::<HashSet<_>>().len()
    }

    /// How many pixels are exactly `rgb`.
    pub fn count(&self, rgb: [u8; 3]) -> usize {
        self.pixels.iter().filter(|p| **p == rgb).count()
    }
}
