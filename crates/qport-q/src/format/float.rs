//! Floats as q writes them: C's `%.{P}g` at the `\P` precision, with nulls and infinities
//! as `0n`, `0w`, `-0w`.
//!
//! `%g` picks fixed or scientific notation from the decimal exponent after rounding to P
//! significant digits, drops trailing zeros, and writes the exponent with a sign and at
//! least two digits (`1e-05`, `1.234568e+08`).

/// The digits `\P` asks for: 0 means the most q shows, 17.
pub fn significant_digits(precision: usize) -> usize {
    match precision {
        0 => 17,
        p => p.min(17),
    }
}

/// `v` as `%.{p}g` writes it, or q's `0n`, `0w`, `-0w` for null and infinities.
pub fn write_float(v: f64, precision: usize, out: &mut Vec<u8>) {
    if v.is_nan() {
        out.extend_from_slice(b"0n");
    } else if v.is_infinite() {
        out.extend_from_slice(if v > 0.0 { b"0w" } else { b"-0w" });
    } else {
        out.extend_from_slice(g(v, significant_digits(precision)).as_bytes());
    }
}

/// Whether a number's text reads as an integer, so that q adds `f` to say it is a float.
pub fn looks_integral(text: &[u8]) -> bool {
    !text.is_empty() && text.iter().all(|c| c.is_ascii_digit() || *c == b'-')
}

/// C's `%.{p}g` for a finite `v`, `p` ≥ 1.
fn g(v: f64, p: usize) -> String {
    if v == 0.0 {
        return if v.is_sign_negative() { "-0" } else { "0" }.to_string();
    }
    // The exponent %e would show once rounded to p digits decides the notation.
    let scientific = format!("{:.*e}", p - 1, v);
    let (mantissa, exponent) = scientific
        .split_once('e')
        .map(|(m, e)| (m.to_string(), e.parse::<i32>().unwrap_or(0)))
        .unwrap_or((scientific.clone(), 0));
    if exponent < -4 || exponent >= p as i32 {
        let mut text = strip_zeros(&mantissa);
        text.push('e');
        text.push(if exponent < 0 { '-' } else { '+' });
        let digits = exponent.unsigned_abs();
        if digits < 10 {
            text.push('0');
        }
        text.push_str(&digits.to_string());
        text
    } else {
        let decimals = (p as i32 - 1 - exponent).max(0) as usize;
        strip_zeros(&format!("{v:.decimals$}"))
    }
}

/// Drops trailing zeros after a decimal point, and the point if nothing follows it.
fn strip_zeros(text: &str) -> String {
    if !text.contains('.') {
        return text.to_string();
    }
    text.trim_end_matches('0').trim_end_matches('.').to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(v: f64, p: usize) -> String {
        let mut out = Vec::new();
        write_float(v, p, &mut out);
        String::from_utf8(out).unwrap()
    }

    #[test]
    fn default_precision_matches_c_g() {
        assert_eq!(at(1.0, 7), "1");
        assert_eq!(at(0.1, 7), "0.1");
        assert_eq!(at(1e-5, 7), "1e-05");
        assert_eq!(at(0.0001, 7), "0.0001");
        assert_eq!(at(100000.0, 7), "100000");
        assert_eq!(at(1e7, 7), "1e+07");
        assert_eq!(at(1e10, 7), "1e+10");
        assert_eq!(at(123456789.0, 7), "1.234568e+08");
        assert_eq!(at(std::f64::consts::PI, 7), "3.141593");
        assert_eq!(at(2.5, 7), "2.5");
        assert_eq!(at(-std::f64::consts::LN_10, 7), "-2.302585");
        assert_eq!(at(1.0 / 3.0, 7), "0.3333333");
        assert_eq!(at(0.002003799, 7), "0.002003799");
        assert_eq!(at(37320540.0, 7), "3.732054e+07");
        assert_eq!(at(2.220446049250313e-16, 7), "2.220446e-16");
        assert_eq!(at(9999999.5, 7), "1e+07");
        assert_eq!(at(-0.0, 7), "-0");
        assert_eq!(at(0.0, 7), "0");
    }

    #[test]
    fn precision_zero_means_seventeen_digits() {
        assert_eq!(at(96.1 + 8e-15, 0), "96.100000000000009");
        assert_eq!(at(96.1 - 6e-15, 0), "96.099999999999994");
        assert_eq!(at(0.1, 0), "0.10000000000000001");
        assert_eq!(at(0.1, 17), "0.10000000000000001");
        assert_eq!(at(1.0, 0), "1");
    }

    #[test]
    fn other_precisions() {
        assert_eq!(at(std::f64::consts::PI, 3), "3.14");
        assert_eq!(at(std::f64::consts::PI, 1), "3");
        assert_eq!(at(1234.5, 2), "1.2e+03");
        assert_eq!(at(std::f64::consts::PI, 10), "3.141592654");
    }

    #[test]
    fn nulls_and_infinities() {
        assert_eq!(at(f64::NAN, 7), "0n");
        assert_eq!(at(f64::INFINITY, 7), "0w");
        assert_eq!(at(f64::NEG_INFINITY, 7), "-0w");
    }

    #[test]
    fn integral_text_needs_a_suffix() {
        assert!(looks_integral(b"100000"));
        assert!(looks_integral(b"-2"));
        assert!(!looks_integral(b"1e+10"));
        assert!(!looks_integral(b"2.5"));
        assert!(!looks_integral(b"0n"));
        assert!(!looks_integral(b"-0w"));
    }
}
