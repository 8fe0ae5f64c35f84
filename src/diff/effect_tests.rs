use super::{clause_effect, Contribution, Effect, Verdict};
use crate::diff::polarity::{Dir, Rel};
use crate::levels::Outcome;

const BLOCK: Contribution = Contribution {
    fired: Outcome::Block,
    unknown: Outcome::Block,
};

#[test]
fn a_truer_condition_tightens() {
    assert_eq!(
        clause_effect(BLOCK, BLOCK, Rel::new(Dir::Up, true)),
        Effect::Tightened
    );
    assert_eq!(
        clause_effect(BLOCK, BLOCK, Rel::new(Dir::Up, false)),
        Effect::Tightened
    );
    assert_eq!(
        clause_effect(BLOCK, BLOCK, Rel::new(Dir::Down, true)),
        Effect::Loosened
    );
    assert_eq!(clause_effect(BLOCK, BLOCK, Rel::UNKNOWN), Effect::Changed);
    assert_eq!(clause_effect(BLOCK, BLOCK, Rel::SAME), Effect::Cosmetic);
}

#[test]
fn a_missing_outcome_above_the_severity_needs_definedness_kept() {
    // `review when …` with `missing block`: unknown is worse than true.
    let c = Contribution::new(Outcome::Review, Some(Outcome::Block));
    assert_eq!(
        clause_effect(c, c, Rel::new(Dir::Up, true)),
        Effect::Tightened
    );
    assert_eq!(
        clause_effect(c, c, Rel::new(Dir::Up, false)),
        Effect::Changed
    );
}

#[test]
fn severity_and_missing_move_contributions() {
    let review = Contribution::new(Outcome::Review, None);
    assert_eq!(clause_effect(review, BLOCK, Rel::SAME), Effect::Tightened);
    let lenient = Contribution::new(Outcome::Block, Some(Outcome::Pass));
    assert_eq!(clause_effect(BLOCK, lenient, Rel::SAME), Effect::Loosened);
}

#[test]
fn verdict_follows_the_cli_spec() {
    use Effect::*;
    assert_eq!(Verdict::of([]), Verdict::Unchanged);
    assert_eq!(Verdict::of([Cosmetic]), Verdict::Cosmetic);
    assert_eq!(Verdict::of([Cosmetic, Changed]), Verdict::Changed);
    assert_eq!(Verdict::of([Changed, Loosened]), Verdict::Loosened);
    assert_eq!(Verdict::of([Tightened, Cosmetic]), Verdict::Tightened);
    assert_eq!(Verdict::of([Tightened, Loosened]), Verdict::Mixed);
}
