//! Chunks and frames on disk. A blob's first byte says how the rest is stored; new blobs are
//! `REGULAR` or `SEGMENTS`, the others are read for stores written by earlier versions.

use crate::store::StoreError;

/// Every segment (the keys, then each column) a first value and one repeated step, as
/// varints after the length: an idle queue's window in a few dozen bytes.
const REGULAR: u8 = b'r';
/// Each segment on its own after the length: `REGULAR` and a first value and step, or
/// `PCO` and a pcodec array after its byte length. pcodec picks the delta order per segment
/// (none for noisy rates, one for a growing backlog), and a reader skips what it does not need.
const SEGMENTS: u8 = b's';
/// One pcodec array of `[n, segment deltas..]` (before `SEGMENTS`).
const PCO: u8 = b'p';
/// More values than any real frame holds (a million series of 16 values): a damaged
/// length must not turn into a huge allocation.
const MAX_VALUES: usize = 1 << 24;

/// Keys (times or series ids) and columns of the same length.
pub fn encode(keys: &[i64], columns: &[Vec<i64>]) -> Result<Vec<u8>, StoreError> {
    let n = keys.len();
    let segments: Vec<&[i64]> = std::iter::once(keys).chain(columns.iter().map(Vec::as_slice)).collect();
    debug_assert!(segments.iter().all(|s| s.len() == n));
    let steps: Vec<Option<i64>> = segments.iter().map(|s| regular_step(s)).collect();
    let all_regular = steps.iter().all(Option::is_some);
    let mut out = vec![if all_regular { REGULAR } else { SEGMENTS }];
    put_varint(&mut out, n as i64);
    for (segment, step) in segments.iter().zip(steps) {
        match step {
            Some(step) => {
                if !all_regular {
                    out.push(REGULAR);
                }
                put_varint(&mut out, segment.first().copied().unwrap_or(0));
                put_varint(&mut out, step);
            }
            None => {
                let packed = pco::standalone::simple_compress(segment, &pco::ChunkConfig::default())
                    .map_err(|e| StoreError::Corrupt(format!("compressing history: {e}")))?;
                out.push(PCO);
                put_varint(&mut out, packed.len() as i64);
                out.extend(packed);
            }
        }
    }
    Ok(out)
}

/// The step between every two neighbours, if there is one (0 for fewer than two values).
fn regular_step(segment: &[i64]) -> Option<i64> {
    let step = match segment {
        [first, second, ..] => second.wrapping_sub(*first),
        _ => 0,
    };
    segment.windows(2).all(|w| w[1].wrapping_sub(w[0]) == step).then_some(step)
}

/// Reads a blob of `columns` columns besides the keys.
pub fn decode(data: &[u8], columns: usize) -> Result<(Vec<i64>, Vec<Vec<i64>>), StoreError> {
    let all: Vec<usize> = (0..columns).collect();
    decode_some(data, columns, &all)
}

/// Reads the keys and the `wanted` columns (in that order) of a blob of `columns` columns.
pub fn decode_some(data: &[u8], columns: usize, wanted: &[usize]) -> Result<(Vec<i64>, Vec<Vec<i64>>), StoreError> {
    let corrupt = || StoreError::Corrupt("a history chunk of the wrong shape".into());
    let segments = columns + 1;
    let mut out: Vec<Option<Vec<i64>>> = vec![None; segments];
    match data.split_first() {
        Some((&kind @ (REGULAR | SEGMENTS), mut rest)) => {
            let n = take_varint(&mut rest).ok_or_else(corrupt)?;
            let n = usize::try_from(n).ok().filter(|n| n.saturating_mul(segments) <= MAX_VALUES).ok_or_else(corrupt)?;
            for (s, slot) in out.iter_mut().enumerate() {
                let needed = s == 0 || wanted.contains(&(s - 1));
                let tag = if kind == REGULAR { REGULAR } else { take_byte(&mut rest).ok_or_else(corrupt)? };
                let values = match tag {
                    REGULAR => {
                        let first = take_varint(&mut rest).ok_or_else(corrupt)?;
                        let step = take_varint(&mut rest).ok_or_else(corrupt)?;
                        let mut value = first;
                        needed.then(|| {
                            (0..n)
                                .map(|i| {
                                    if i > 0 {
                                        value = value.wrapping_add(step);
                                    }
                                    value
                                })
                                .collect()
                        })
                    }
                    PCO => {
                        let len = take_varint(&mut rest).and_then(|l| usize::try_from(l).ok()).ok_or_else(corrupt)?;
                        let (packed, after) = rest.split_at_checked(len).ok_or_else(corrupt)?;
                        rest = after;
                        if needed {
                            let values = pco_values(packed)?;
                            if values.len() != n {
                                return Err(corrupt());
                            }
                            Some(values)
                        } else {
                            None
                        }
                    }
                    _ => return Err(corrupt()),
                };
                *slot = values;
            }
            if !rest.is_empty() {
                return Err(corrupt());
            }
        }
        // Earlier versions: one pcodec array, with per-segment deltas (`PCO`) or without
        // (a bare array, which starts with pcodec's own magic bytes).
        _ if data.starts_with(b"pco!") => out = legacy(pco_values(data)?, segments, false).ok_or_else(corrupt)?,
        Some((&PCO, rest)) => out = legacy(pco_values(rest)?, segments, true).ok_or_else(corrupt)?,
        _ => return Err(corrupt()),
    }
    let keys = out[0].take().ok_or_else(corrupt)?;
    let columns = wanted.iter().map(|c| out.get_mut(c + 1).and_then(Option::take).ok_or_else(corrupt));
    Ok((keys, columns.collect::<Result<_, _>>()?))
}

fn pco_values(packed: &[u8]) -> Result<Vec<i64>, StoreError> {
    pco::standalone::simple_decompress(packed).map_err(|e| StoreError::Corrupt(format!("reading history: {e}")))
}

/// Splits `[n, segment..]` into its segments, summing the deltas back if they are deltas.
fn legacy(flat: Vec<i64>, segments: usize, deltas: bool) -> Option<Vec<Option<Vec<i64>>>> {
    let n = usize::try_from(flat.first().copied().unwrap_or(0)).ok()?;
    if n == 0 {
        return Some(vec![Some(Vec::new()); segments]);
    }
    if n.checked_mul(segments)?.checked_add(1)? != flat.len() {
        return None;
    }
    let split = flat[1..].chunks(n).map(|stored| {
        let mut value = 0i64;
        let values = stored.iter().map(|d| {
            value = if deltas { value.wrapping_add(*d) } else { *d };
            value
        });
        Some(values.collect())
    });
    Some(split.collect())
}

fn take_byte(input: &mut &[u8]) -> Option<u8> {
    let (&byte, rest) = input.split_first()?;
    *input = rest;
    Some(byte)
}

/// Zigzag LEB128, as protobuf writes signed integers.
fn put_varint(out: &mut Vec<u8>, value: i64) {
    let mut v = ((value << 1) ^ (value >> 63)) as u64;
    while v >= 0x80 {
        out.push((v as u8) | 0x80);
        v >>= 7;
    }
    out.push(v as u8);
}

fn take_varint(input: &mut &[u8]) -> Option<i64> {
    let mut v = 0u64;
    for shift in (0..64).step_by(7) {
        let byte = take_byte(input)?;
        v |= u64::from(byte & 0x7f) << shift;
        if byte < 0x80 {
            return Some(((v >> 1) as i64) ^ -((v & 1) as i64));
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use crate::store::timeseries::{codec, METRICS};

    #[test]
    fn idle_series_cost_almost_nothing() {
        let times: Vec<i64> = (0..60).map(|i| 1_800_000_000 + i * 5).collect();
        let columns = vec![vec![7i64; 60], vec![0; 60], vec![-3; 60], vec![i64::MAX; 60], vec![i64::MIN; 60]];
        let data = codec::encode(&times, &columns).unwrap();
        assert!(data.len() < 40, "{} bytes for 60 samples of 5 metrics", data.len());
        assert_eq!(codec::decode(&data, METRICS).unwrap(), (times.clone(), columns.clone()));
        // One change anywhere and that column is a pcodec array, still read back exactly, also
        // on its own.
        let mut busy = columns;
        busy[0][30] = 8;
        let data = codec::encode(&times, &busy).unwrap();
        assert!(data.len() < 80, "{} bytes with one busy column", data.len());
        assert_eq!(codec::decode(&data, METRICS).unwrap(), (times.clone(), busy.clone()));
        assert_eq!(
            codec::decode_some(&data, METRICS, &[3, 0]).unwrap(),
            (times.clone(), vec![busy[3].clone(), busy[0].clone()])
        );
        // Damaged blobs are errors, never panics or huge allocations.
        let mut huge = vec![b'r'];
        huge.extend([0xfe, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x7f]);
        huge.extend([0; 12]);
        for bad in [&b"r\x7f"[..], b"x", b"", &huge, &data[..data.len() / 2]] {
            assert!(codec::decode(bad, METRICS).is_err(), "{bad:?}");
        }
        assert!(codec::decode(&data, 3 * METRICS).is_err(), "a fine chunk read as a coarse one");
        // Written before the per-segment deltas (a bare pcodec array): still readable.
        let flat: Vec<i64> = [vec![60], times.clone(), busy.concat()].concat();
        let legacy = pco::standalone::simple_compress(&flat, &pco::ChunkConfig::default()).unwrap();
        assert_eq!(codec::decode(&legacy, METRICS).unwrap(), (times.clone(), busy.clone()));
        // Written with per-segment deltas in one pcodec array: still readable.
        let deltas =
            |s: &[i64]| -> Vec<i64> { s.iter().scan(0, |prev, v| Some(v - std::mem::replace(prev, *v))).collect() };
        let flat: Vec<i64> = [vec![60], deltas(&times), busy.iter().flat_map(|c| deltas(c)).collect()].concat();
        let config = pco::ChunkConfig::default().with_delta_spec(pco::DeltaSpec::NoOp);
        let legacy = [&b"p"[..], &pco::standalone::simple_compress(&flat, &config).unwrap()].concat();
        assert_eq!(codec::decode(&legacy, METRICS).unwrap(), (times, busy));
    }
}
