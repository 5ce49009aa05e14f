//! The front end's precompressed files. cargo-leptos writes each `.br` at brotli's best level but
//! each `.gz` with libflate at its default, which for the WASM is 19 % larger than `gzip -9`
//! (1,147 KB against 964 KB, 2026-12-01): what a browser that accepts only gzip downloads. So at
//! start-up Warren writes each `.gz` again at level 9 where that is smaller (a quarter of a second).

use std::io::Write;
use std::path::Path;

use flate2::write::GzEncoder;
use flate2::Compression;

/// Rewrites each `NAME.gz` in `dir` (whose `NAME` is there too) at gzip level 9 where that is
/// smaller; how many it rewrote. Errors (a read-only site, say) leave the files as they were.
pub fn regzip(dir: &Path) -> std::io::Result<usize> {
    let mut rewritten = 0;
    for entry in std::fs::read_dir(dir)? {
        let gz = entry?.path();
        if gz.extension().is_none_or(|e| e != "gz") {
            continue;
        }
        let original = gz.with_extension("");
        let Ok(raw) = std::fs::read(&original) else { continue };
        let mut encoder = GzEncoder::new(Vec::new(), Compression::best());
        encoder.write_all(&raw)?;
        let best = encoder.finish()?;
        if best.len() as u64 >= std::fs::metadata(&gz)?.len() {
            continue;
        }
        // Written beside it and renamed: a request never reads half a file.
        let partial = gz.with_extension("gz.partial");
        std::fs::write(&partial, &best)?;
        std::fs::rename(&partial, &gz)?;
        rewritten += 1;
    }
    Ok(rewritten)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_weaker_gzip_is_rewritten_and_a_best_one_left_alone() {
        let dir = tempfile::tempdir().unwrap();
        let text = "warren ".repeat(10_000);
        std::fs::write(dir.path().join("a.js"), &text).unwrap();
        let mut fast = GzEncoder::new(Vec::new(), Compression::fast());
        fast.write_all(text.as_bytes()).unwrap();
        std::fs::write(dir.path().join("a.js.gz"), fast.finish().unwrap()).unwrap();
        std::fs::write(dir.path().join("orphan.gz"), b"not ours").unwrap();

        assert_eq!(regzip(dir.path()).unwrap(), 1);
        let mut decoded = String::new();
        let file = std::fs::File::open(dir.path().join("a.js.gz")).unwrap();
        std::io::Read::read_to_string(&mut flate2::read::GzDecoder::new(file), &mut decoded).unwrap();
        assert_eq!(decoded, text);
        assert_eq!(regzip(dir.path()).unwrap(), 0, "already at the best level");
        assert_eq!(std::fs::read(dir.path().join("orphan.gz")).unwrap(), b"not ours");
    }
}
