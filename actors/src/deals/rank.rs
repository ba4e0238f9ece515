//! Fractional ranks: the order of cards inside a stage column.
//!
//! A rank is a string of base-36 digits (`0-9a-z`) read as a fraction
//! (`"i"` = 18/36). [`between`] returns a rank strictly between two others,
//! so a move rewrites only the moved card, never its neighbours. Ranks
//! never end in `0`, which keeps room below every rank. Strings compare
//! bytewise, the same order as PostgreSQL's `COLLATE "C"`.

const DIGITS: &[u8; 36] = b"0123456789abcdefghijklmnopqrstuvwxyz";
const BASE: u32 = 36;

fn digit(s: &[u8], i: usize) -> u32 {
    s.get(i).and_then(|c| DIGITS.iter().position(|d| d == c)).map_or(0, |p| p as u32)
}

/// A rank strictly between `lo` and `hi` (`None`: the start or the end of
/// the column). Requires `lo < hi` when both are given; otherwise it
/// returns a rank just after `lo`.
pub fn between(lo: Option<&str>, hi: Option<&str>) -> String {
    // The ends of a column: one digit up (or down) from the first digit
    // that has room, so repeated appends (the common case) grow ranks by
    // one character per ~17 cards instead of one per ~5 with midpoints.
    match (lo, hi) {
        (Some(l), None) if is_valid(l) => return after(l),
        (None, Some(h)) if is_valid(h) && digit(h.as_bytes(), 0) > 1 => {
            return char::from(DIGITS[digit(h.as_bytes(), 0) as usize - 1]).to_string();
        }
        _ => {}
    }
    let lo = lo.unwrap_or("").as_bytes();
    let mut hi = match hi {
        Some(h) if h.as_bytes() > lo => Some(h.as_bytes()),
        _ => None,
    };
    let mut out = Vec::new();
    let mut i = 0;
    loop {
        let a = digit(lo, i);
        let b = hi.map_or(BASE, |h| if i < h.len() { digit(h, i) } else { 0 });
        if a == b {
            out.push(DIGITS[a as usize]);
            i += 1;
            continue;
        }
        let mid = (a + b) / 2;
        if mid > a {
            out.push(DIGITS[mid as usize]);
            break;
        }
        // Adjacent digits: keep `a` here and look for room after `lo`.
        out.push(DIGITS[a as usize]);
        hi = None;
        i += 1;
    }
    String::from_utf8(out).unwrap_or_default()
}

/// The shortest rank after `l`: its first digit below `z` plus one, after
/// the run of `z`s before it.
fn after(l: &str) -> String {
    let b = l.as_bytes();
    let zs = b.iter().take_while(|c| **c == b'z').count();
    let next = digit(b, zs) + 1;
    let mut out = "z".repeat(zs);
    out.push(char::from(DIGITS[next as usize]));
    out
}

/// `n` ranks spread evenly over a column, for loading many cards at once.
pub fn spread(n: usize) -> Vec<String> {
    // Enough digits that consecutive ranks differ.
    let mut width = 1u32;
    while 36u128.pow(width) <= (n as u128 + 1) * 36 {
        width += 1;
    }
    let space = 36u128.pow(width);
    (1..=n as u128)
        .map(|j| {
            let mut v = j * space / (n as u128 + 1);
            let mut digits = vec![b'0'; width as usize];
            for d in digits.iter_mut().rev() {
                *d = DIGITS[(v % 36) as usize];
                v /= 36;
            }
            while digits.last() == Some(&b'0') {
                digits.pop();
            }
            String::from_utf8(digits).unwrap_or_default()
        })
        .collect()
}

/// Whether `s` is a rank this module could have produced.
pub fn is_valid(s: &str) -> bool {
    !s.is_empty() && s.len() <= 200 && s.bytes().all(|c| DIGITS.contains(&c)) && !s.ends_with('0')
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn first_rank_is_the_middle_and_appending_grows() {
        assert_eq!(between(None, None), "i");
        assert_eq!(between(Some("i"), None), "j");
        assert_eq!(between(Some("zx"), None), "zy");
        assert_eq!(between(Some("zz"), None), "zz1");
        assert_eq!(between(None, Some("i")), "h");
        let b = between(None, Some("1"));
        assert!(b.as_str() < "1" && is_valid(&b), "{b}");
        assert_eq!(between(Some("4"), Some("5")), "4i");
        assert_eq!(between(Some("4z"), Some("5")), "4zi");
    }

    #[test]
    fn spread_ranks_are_valid_and_increasing() {
        for n in [1, 2, 35, 36, 1000, 10_000] {
            let r = spread(n);
            assert_eq!(r.len(), n);
            assert!(r.iter().all(|x| is_valid(x)), "{n}");
            assert!(r.windows(2).all(|w| w[0] < w[1]), "{n}");
        }
    }

    proptest! {
        #[test]
        fn a_rank_between_two_ranks_sorts_between_them(ops in proptest::collection::vec((any::<bool>(), any::<prop::sample::Index>()), 1..200)) {
            // Insert at random places into a column and check it stays strictly ordered.
            let mut column: Vec<String> = Vec::new();
            for (at_end, idx) in ops {
                let pos = if at_end || column.is_empty() { column.len() } else { idx.index(column.len() + 1) };
                let lo = pos.checked_sub(1).map(|p| column[p].as_str());
                let hi = column.get(pos).map(String::as_str);
                let r = between(lo, hi);
                prop_assert!(is_valid(&r), "{r}");
                if let Some(lo) = lo { prop_assert!(r.as_str() > lo, "{r} <= {lo}"); }
                if let Some(hi) = hi { prop_assert!(r.as_str() < hi, "{r} >= {hi}"); }
                column.insert(pos, r);
            }
        }
    }
}
