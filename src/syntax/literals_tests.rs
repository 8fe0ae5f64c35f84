#![allow(clippy::unwrap_used)]

use super::unescape;

#[test]
fn unescape_maps_every_byte_to_its_source() {
    let raw = r#"a\"é\u{1F600}\n"#;
    let mut map = Vec::new();
    let value = unescape(raw, Some(&mut map)).unwrap();
    assert_eq!(value, "a\"é😀\n");
    assert_eq!(map.len(), value.len() + 1);
    // a, \" (2 raw bytes), é (2 bytes), 😀 (4 bytes from 9 raw), \n (2 raw)
    assert_eq!(map, [0, 1, 3, 3, 5, 5, 5, 5, 14, 16]);
}

#[test]
fn unescape_errors_carry_raw_ranges() {
    let e = unescape(r"ab\x", None).unwrap_err();
    assert_eq!((e.start, e.end), (2, 4));
    let e = unescape(r"\u{zz}", None).unwrap_err();
    assert_eq!(e.start, 0);
    let e = unescape(r"ok\u{DFFF}", None).unwrap_err();
    assert_eq!((e.start, e.end), (2, 10));
}
