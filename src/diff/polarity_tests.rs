use super::{Dir, Rel};

#[test]
fn join_keeps_agreeing_directions() {
    assert_eq!(Dir::Up.join(Dir::Same), Dir::Up);
    assert_eq!(Dir::Same.join(Dir::Down), Dir::Down);
    assert_eq!(Dir::Up.join(Dir::Up), Dir::Up);
    assert_eq!(Dir::Up.join(Dir::Down), Dir::Unknown);
    assert_eq!(Dir::Unknown.join(Dir::Same), Dir::Unknown);
}

#[test]
fn flip_reverses_only_directions() {
    assert_eq!(Dir::Up.flip(), Dir::Down);
    assert_eq!(Dir::Same.flip(), Dir::Same);
    assert_eq!(Dir::Unknown.flip(), Dir::Unknown);
}

#[test]
fn numbers_that_may_become_unknown_are_not_ordered() {
    assert_eq!(Rel::new(Dir::Up, false).numeric(), Rel::UNKNOWN);
    assert_eq!(Rel::new(Dir::Up, true).numeric(), Rel::new(Dir::Up, true));
    assert_eq!(Rel::new(Dir::Same, false), Rel::SAME);
}
