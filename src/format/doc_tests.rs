use super::*;

fn printed(mut d: Doc, width: usize) -> String {
    propagate_breaks(&mut d);
    render(&d, width)
}

fn chain() -> Doc {
    group(nest(
        4,
        concat(vec![
            text("aaaa"),
            Doc::Line,
            text("and bbbb"),
            Doc::Line,
            text("and cccc"),
        ]),
    ))
}

#[test]
fn a_group_that_fits_stays_flat() {
    assert_eq!(printed(chain(), 40), "aaaa and bbbb and cccc");
}

#[test]
fn a_group_that_does_not_fit_breaks_every_line() {
    assert_eq!(printed(chain(), 10), "aaaa\n    and bbbb\n    and cccc");
}

#[test]
fn a_hard_line_breaks_the_enclosing_groups() {
    let d = group(concat(vec![
        text("a"),
        Doc::Line,
        text("b"),
        Doc::HardLine,
        text("c"),
    ]));
    assert_eq!(printed(d, 80), "a\nb\nc");
}

#[test]
fn a_suffix_goes_to_the_end_of_its_line() {
    let d = concat(vec![
        text("x"),
        Doc::Suffix("# c".into()),
        text(" y"),
        Doc::HardLine,
        text("z"),
    ]);
    assert_eq!(printed(d, 80), "x y # c\nz");
}

#[test]
fn two_suffixes_never_share_a_line() {
    let d = concat(vec![
        text("x"),
        Doc::Suffix("# a".into()),
        Doc::Suffix("# b".into()),
        nest(2, Doc::HardLine),
        text("z"),
    ]);
    assert_eq!(printed(d, 80), "x # a\n  # b\n  z");
}

#[test]
fn blank_lines_carry_no_indentation() {
    let d = nest(
        2,
        concat(vec![text("a"), Doc::HardLine, Doc::HardLine, text("b")]),
    );
    assert_eq!(printed(d, 80), "a\n\n  b");
}

#[test]
fn what_follows_a_group_counts_towards_its_fit() {
    // "aaaa and bbbb)" fits in 14 columns; with the closing text it does not.
    let d = concat(vec![chain(), text(") and more")]);
    assert_eq!(printed(d, 24), "aaaa\n    and bbbb\n    and cccc) and more");
}
