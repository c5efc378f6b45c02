//! Clipping console text to the `\c` size, as q does: a line longer than cols-1 bytes is
//! cut to cols-3 bytes and `..`; more than rows-2 lines become rows-3 lines and a line
//! `..`. At the default 25 80, lines stop at 79 bytes and output at 23 lines.

pub fn clip(mut lines: Vec<Vec<u8>>, rows: usize, cols: usize) -> Vec<Vec<u8>> {
    if lines.len() > rows.saturating_sub(2) {
        lines.truncate(rows.saturating_sub(3));
        lines.push(b"..".to_vec());
    }
    for line in &mut lines {
        if line.len() > cols.saturating_sub(1) {
            line.truncate(cols.saturating_sub(3));
            line.extend_from_slice(b"..");
        }
    }
    lines
}

#[cfg(test)]
mod tests {
    use super::*;

    fn lines(n: usize, width: usize) -> Vec<Vec<u8>> {
        (0..n).map(|_| vec![b'x'; width]).collect()
    }

    #[test]
    fn long_lines_are_cut_to_cols_minus_three_and_dots() {
        let out = clip(lines(1, 100), 25, 80);
        assert_eq!(out[0].len(), 79);
        assert!(out[0].ends_with(b"x.."));
        assert_eq!(clip(lines(1, 79), 25, 80), lines(1, 79));
        let out = clip(lines(1, 80), 25, 80);
        assert_eq!(out[0].len(), 79);
        assert_eq!(
            clip(vec![b"0 1 2 3 4 5 6".to_vec()], 10, 10),
            [b"0 1 2 3..".to_vec()]
        );
    }

    #[test]
    fn many_lines_keep_rows_minus_three_then_dots() {
        assert_eq!(clip(lines(23, 1), 25, 80).len(), 23);
        let out = clip(lines(24, 1), 25, 80);
        assert_eq!(out.len(), 23);
        assert_eq!(out[22], b"..");
        let out = clip(lines(10, 20), 10, 10);
        assert_eq!(out.len(), 8);
        assert_eq!(out[7], b"..");
        assert_eq!(out[0], b"xxxxxxx..");
    }
}
