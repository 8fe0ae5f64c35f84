//! A validated, merged evidence bundle: what is known about one candidate at one moment.

use std::collections::HashMap;
use std::sync::Arc;

use chrono::{DateTime, Utc};
use indexmap::IndexMap;

use crate::levels::Direction;
use crate::levels::Severity;
use crate::stats::{self, Clusters};

/// A bundle after loading, validation and merging. Nothing in it needs checking again.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Bundle {
    pub candidate: Option<String>,
    pub baseline: Option<String>,
    pub stage: Option<String>,
    pub as_of: Option<DateTime<Utc>>,
    /// Keyed by the evidence key (`behavior.sycophancy_rate`), in the order read.
    pub metrics: IndexMap<String, Metric>,
    pub flags: Vec<Flag>,
    pub signoffs: Vec<Signoff>,
    pub waivers: Vec<Waiver>,
    /// Per-item scores (STATISTICS.md section 1), keyed by the metric key they measure.
    pub samples: IndexMap<String, Samples>,
    /// The files the bundle was read from, in the order given.
    pub files: Vec<EvidenceFile>,
    /// What loading noticed without rejecting the evidence (a baseline metric with no
    /// candidate, an incomplete run kept on request, …). Evaluation reports them.
    pub warnings: Vec<String>,
}

/// A file that contributed to a bundle, with the sha256 of its bytes for records.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct EvidenceFile {
    pub path: String,
    pub sha256: String,
    /// The format the file was read as.
    pub format: InputFormat,
    /// Whether a harness format was told from the content (no `FORMAT:` was given). A
    /// native bundle is never said to be detected.
    pub detected: bool,
    /// The prefix given to every metric key of the file (`offline` for `offline=…`).
    pub prefix: Option<String>,
    /// Whether the file was given as evidence about the candidate or as a baseline.
    pub role: Role,
    /// Whether another file brought this one (an lm-eval samples file beside its results
    /// file), so reading that file again reads this one too.
    pub beside: bool,
}

/// The formats evidence is read from: the native bundle and the outputs of eval harnesses.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash)]
pub enum InputFormat {
    /// The native bundle of EVIDENCE.md, JSON or YAML.
    #[default]
    Tollgate,
    /// lm-evaluation-harness results JSON.
    LmEval,
    /// Inspect AI eval log JSON (log versions 1 and 2).
    Inspect,
    /// promptfoo output JSON (`promptfoo eval -o`, `promptfoo export`).
    Promptfoo,
    /// HELM `stats.json` of one run.
    Helm,
    /// Qualitative flags in CSV with a header row.
    FlagsCsv,
}

impl InputFormat {
    pub const ALL: [InputFormat; 6] = [
        InputFormat::Tollgate,
        InputFormat::LmEval,
        InputFormat::Inspect,
        InputFormat::Promptfoo,
        InputFormat::Helm,
        InputFormat::FlagsCsv,
    ];

    /// The name used in `FORMAT:PATH` and in reports.
    pub fn as_str(self) -> &'static str {
        match self {
            InputFormat::Tollgate => "tollgate",
            InputFormat::LmEval => "lm-eval",
            InputFormat::Inspect => "inspect",
            InputFormat::Promptfoo => "promptfoo",
            InputFormat::Helm => "helm",
            InputFormat::FlagsCsv => "flags-csv",
        }
    }

    pub fn parse(name: &str) -> Option<InputFormat> {
        InputFormat::ALL.into_iter().find(|f| f.as_str() == name)
    }
}

impl std::fmt::Display for InputFormat {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// What a file says: measurements of the candidate, or of the baseline it is compared with.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash)]
pub enum Role {
    #[default]
    Evidence,
    Baseline,
}

/// One measured metric. Every number is finite; `ci` ends are ordered and contain the value.
///
/// Bundles hold up to hundreds of thousands of these, so a metric is stored in 88 bytes
/// rather than the 184 of plain `Option` fields: since evidence numbers are finite, NaN marks
/// an absent number, and `u32::MAX` an absent file; `n` (any `u64`) has a flag. The accessors
/// give the `Option`s back; a setter given NaN records the number as absent.
#[derive(Debug, Clone, Copy)]
pub struct Metric {
    value: f64,
    baseline: f64,
    stderr: f64,
    baseline_stderr: f64,
    ci: [f64; 2],
    baseline_ci: [f64; 2],
    n: u64,
    has_n: bool,
    file: u32,
    baseline_file: u32,
    direction: Option<Direction>,
}

const NO_FILE: u32 = u32::MAX;

fn number(x: f64) -> Option<f64> {
    (!x.is_nan()).then_some(x)
}

fn pair([low, high]: [f64; 2]) -> Option<(f64, f64)> {
    (!low.is_nan() && !high.is_nan()).then_some((low, high))
}

fn stored_pair(ends: Option<(f64, f64)>) -> [f64; 2] {
    ends.map_or([f64::NAN; 2], |(low, high)| [low, high])
}

impl Metric {
    /// A metric with only its value, read from file `file` of its bundle.
    pub fn new(value: f64, file: usize) -> Metric {
        Metric {
            value,
            baseline: f64::NAN,
            stderr: f64::NAN,
            baseline_stderr: f64::NAN,
            ci: [f64::NAN; 2],
            baseline_ci: [f64::NAN; 2],
            n: 0,
            has_n: false,
            file: u32::try_from(file).unwrap_or(NO_FILE - 1),
            baseline_file: NO_FILE,
            direction: None,
        }
    }

    pub fn value(&self) -> f64 {
        self.value
    }

    pub fn baseline(&self) -> Option<f64> {
        number(self.baseline)
    }

    pub fn stderr(&self) -> Option<f64> {
        number(self.stderr)
    }

    pub fn baseline_stderr(&self) -> Option<f64> {
        number(self.baseline_stderr)
    }

    /// The confidence interval `(low, high)`.
    pub fn ci(&self) -> Option<(f64, f64)> {
        pair(self.ci)
    }

    pub fn baseline_ci(&self) -> Option<(f64, f64)> {
        pair(self.baseline_ci)
    }

    pub fn n(&self) -> Option<u64> {
        self.has_n.then_some(self.n)
    }

    /// Index into [`Bundle::files`] of the file this metric came from.
    pub fn file(&self) -> usize {
        self.file as usize
    }

    /// Index into [`Bundle::files`] of the `--baseline` file its baseline came from, when
    /// it came from one.
    pub fn baseline_file(&self) -> Option<usize> {
        (self.baseline_file != NO_FILE).then_some(self.baseline_file as usize)
    }

    /// The direction the file that measured it states (lm-eval's `higher_is_better`);
    /// `None` when it says nothing. The policy's direction is the one evaluation uses.
    pub fn direction(&self) -> Option<Direction> {
        self.direction
    }

    pub fn set_value(&mut self, value: f64) {
        self.value = value;
    }

    pub fn set_baseline(&mut self, baseline: Option<f64>) {
        self.baseline = baseline.unwrap_or(f64::NAN);
    }

    pub fn set_stderr(&mut self, stderr: Option<f64>) {
        self.stderr = stderr.unwrap_or(f64::NAN);
    }

    pub fn set_baseline_stderr(&mut self, stderr: Option<f64>) {
        self.baseline_stderr = stderr.unwrap_or(f64::NAN);
    }

    pub fn set_ci(&mut self, ci: Option<(f64, f64)>) {
        self.ci = stored_pair(ci);
    }

    pub fn set_baseline_ci(&mut self, ci: Option<(f64, f64)>) {
        self.baseline_ci = stored_pair(ci);
    }

    pub fn set_n(&mut self, n: Option<u64>) {
        self.n = n.unwrap_or(0);
        self.has_n = n.is_some();
    }

    pub fn set_file(&mut self, file: usize) {
        self.file = u32::try_from(file).unwrap_or(NO_FILE - 1);
    }

    pub fn set_baseline_file(&mut self, file: Option<usize>) {
        self.baseline_file = file.map_or(NO_FILE, |f| u32::try_from(f).unwrap_or(NO_FILE - 1));
    }

    pub fn set_direction(&mut self, direction: Option<Direction>) {
        self.direction = direction;
    }
}

impl Default for Metric {
    fn default() -> Metric {
        Metric::new(0.0, 0)
    }
}

/// Equal when every field is: absent equals absent (a plain comparison would find two
/// NaNs unequal).
impl PartialEq for Metric {
    fn eq(&self, other: &Metric) -> bool {
        self.value == other.value
            && self.baseline() == other.baseline()
            && self.stderr() == other.stderr()
            && self.baseline_stderr() == other.baseline_stderr()
            && self.ci() == other.ci()
            && self.baseline_ci() == other.baseline_ci()
            && self.n() == other.n()
            && self.file == other.file
            && self.baseline_file == other.baseline_file
            && self.direction == other.direction
    }
}

const _: () = assert!(std::mem::size_of::<Metric>() == 88);

/// A qualitative flag. `source`, `category` and `author` come from a small vocabulary
/// repeated across thousands of flags, so each distinct text is stored once per file and
/// shared. The other texts, often absent, sit together behind one pointer: a flag takes 64
/// bytes.
#[derive(Debug, Clone, PartialEq)]
pub struct Flag {
    pub source: Arc<str>,
    pub author: Option<Arc<str>>,
    pub category: Arc<str>,
    pub severity: Severity,
    texts: Option<Box<FlagTexts>>,
}

/// A flag's `id`, `note` and `stage`.
#[derive(Debug, Clone, Default, PartialEq)]
struct FlagTexts {
    id: Option<String>,
    note: Option<String>,
    stage: Option<String>,
}

impl Flag {
    pub fn new(source: Arc<str>, category: Arc<str>, severity: Severity) -> Flag {
        Flag {
            source,
            author: None,
            category,
            severity,
            texts: None,
        }
    }

    pub fn with_author(mut self, author: Option<Arc<str>>) -> Flag {
        self.author = author;
        self
    }

    /// The flag with `id`, `note` and `stage` as given.
    pub fn with_texts(
        mut self,
        id: Option<String>,
        note: Option<String>,
        stage: Option<String>,
    ) -> Flag {
        self.texts = (id.is_some() || note.is_some() || stage.is_some())
            .then(|| Box::new(FlagTexts { id, note, stage }));
        self
    }

    pub fn id(&self) -> Option<&str> {
        self.texts.as_ref()?.id.as_deref()
    }

    pub fn note(&self) -> Option<&str> {
        self.texts.as_ref()?.note.as_deref()
    }

    pub fn stage(&self) -> Option<&str> {
        self.texts.as_ref()?.stage.as_deref()
    }
}

const _: () = assert!(std::mem::size_of::<Flag>() == 64);

/// The per-item scores of one metric: the candidate's and the baseline's, each item's repeats
/// already averaged, and the clusters items share. What is derived from them (means, standard
/// errors, the paired comparison) is computed once, when they are made.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Samples {
    candidate: Option<IndexMap<String, f64>>,
    baseline: Option<IndexMap<String, f64>>,
    clusters: IndexMap<String, String>,
    file: usize,
    candidate_stats: Option<Summary>,
    baseline_stats: Option<Summary>,
    paired: Paired,
}

/// What [`Samples`] are made of, taken apart.
pub struct SampleParts {
    pub candidate: Option<IndexMap<String, f64>>,
    pub baseline: Option<IndexMap<String, f64>>,
    pub clusters: IndexMap<String, String>,
    pub file: usize,
}

/// Mean, clustered standard error and count of one side's items.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Summary {
    pub mean: f64,
    /// `None` with fewer than 2 clusters.
    pub stderr: Option<f64>,
    pub n: u64,
}

/// The paired comparison (section 3): candidate minus baseline over the items both have.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct Paired {
    /// Items both sides have.
    pub pairs: u64,
    /// Items only one side has.
    pub unpaired: u64,
    /// Mean difference; `None` with fewer than 2 pairs.
    pub delta: Option<f64>,
    /// Its clustered standard error; `None` with fewer than 2 pairs or 2 clusters.
    pub stderr: Option<f64>,
    /// The clusters the pairs fall in.
    pub clusters: u64,
}

impl Samples {
    pub fn new(
        candidate: Option<IndexMap<String, f64>>,
        baseline: Option<IndexMap<String, f64>>,
        clusters: IndexMap<String, String>,
    ) -> Samples {
        // Each side sorted once; its summary and the pairing both walk that order.
        let candidate_order = candidate.as_ref().map(id_order);
        let baseline_order = baseline.as_ref().map(id_order);
        let summary = |side: &Option<IndexMap<String, f64>>, order: &Option<Vec<(u64, usize)>>| {
            let (side, order) = (side.as_ref()?, order.as_ref()?);
            let (scores, cluster_of) = dense(&clusters, in_order(side, order));
            Some(Summary {
                mean: stats::mean(&scores)?,
                stderr: stats::clustered_stderr(&scores, clusters_of(&cluster_of)),
                n: scores.len() as u64,
            })
        };
        let candidate_stats = summary(&candidate, &candidate_order);
        let baseline_stats = summary(&baseline, &baseline_order);
        let paired = match (&candidate, &candidate_order, &baseline, &baseline_order) {
            (Some(c), Some(c_order), Some(b), Some(b_order)) => paired_items(
                in_order(c, c_order),
                in_order(b, b_order),
                c.len() + b.len(),
                &clusters,
            ),
            _ => Paired::default(),
        };
        Samples {
            candidate,
            baseline,
            clusters,
            file: 0,
            candidate_stats,
            baseline_stats,
            paired,
        }
    }

    /// Item id to score (the mean of its repeats), of the candidate.
    pub fn candidate(&self) -> Option<&IndexMap<String, f64>> {
        self.candidate.as_ref()
    }

    pub fn baseline(&self) -> Option<&IndexMap<String, f64>> {
        self.baseline.as_ref()
    }

    /// Item id to cluster id, for the items that share a context.
    pub fn clusters(&self) -> &IndexMap<String, String> {
        &self.clusters
    }

    /// The candidate's and the baseline's items, the clusters, and the file, for remaking
    /// the samples with another side.
    pub fn into_parts(self) -> SampleParts {
        SampleParts {
            candidate: self.candidate,
            baseline: self.baseline,
            clusters: self.clusters,
            file: self.file,
        }
    }

    /// Index into [`Bundle::files`] of the file the samples came from.
    pub fn file(&self) -> usize {
        self.file
    }

    pub fn set_file(&mut self, file: usize) {
        self.file = file;
    }

    pub fn candidate_summary(&self) -> Option<Summary> {
        self.candidate_stats
    }

    pub fn baseline_summary(&self) -> Option<Summary> {
        self.baseline_stats
    }

    pub fn paired(&self) -> Paired {
        self.paired
    }
}

/// The indices of `side`'s items in the order of their ids, so that no statistic depends on
/// the order the items were read in (a float sum does, in its last bits).
fn id_order(side: &IndexMap<String, f64>) -> Vec<(u64, usize)> {
    // Sorted on each id's first eight bytes as an integer, the whole ids compared only on a
    // tie: the same byte order, several times faster for a million ids than comparing them.
    let mut order: Vec<(u64, usize)> = side
        .keys()
        .enumerate()
        .map(|(i, id)| (prefix(id), i))
        .collect();
    let id = |i: usize| side.get_index(i).map(|(id, _)| id);
    order.sort_unstable_by(|a, b| a.0.cmp(&b.0).then_with(|| id(a.1).cmp(&id(b.1))));
    order
}

/// `side`'s items in `order` ([`id_order`]).
fn in_order<'a>(
    side: &'a IndexMap<String, f64>,
    order: &'a [(u64, usize)],
) -> impl Iterator<Item = (&'a String, f64)> {
    order
        .iter()
        .filter_map(|&(_, i)| side.get_index(i).map(|(id, s)| (id, *s)))
}

/// The first eight bytes of `id`, big-endian and padded with zeros: ordered as the ids are
/// up to a tie.
fn prefix(id: &str) -> u64 {
    let mut head = [0u8; 8];
    for (to, from) in head.iter_mut().zip(id.bytes()) {
        *to = from;
    }
    u64::from_be_bytes(head)
}

/// Scores in order, with each item's cluster as a dense index; an item without a cluster is
/// its own. `None` for the clusters when none were given: every item is its own.
fn dense<'a>(
    clusters: &IndexMap<String, String>,
    items: impl Iterator<Item = (&'a String, f64)>,
) -> (Vec<f64>, Option<Vec<usize>>) {
    if clusters.is_empty() {
        return (items.map(|(_, score)| score).collect(), None);
    }
    let mut index: HashMap<&str, usize> = HashMap::new();
    let mut count = 0;
    let (mut scores, mut cluster_of) = (Vec::new(), Vec::new());
    for (id, score) in items {
        let c = match clusters.get(id) {
            Some(cluster) => *index.entry(cluster.as_str()).or_insert(count),
            None => count,
        };
        if c == count {
            count += 1;
        }
        scores.push(score);
        cluster_of.push(c);
    }
    (scores, Some(cluster_of))
}

/// The clusters [`dense`] found, as the statistics take them.
fn clusters_of(cluster_of: &Option<Vec<usize>>) -> Clusters<'_> {
    cluster_of
        .as_deref()
        .map_or(Clusters::Singletons, Clusters::Of)
}

/// The pairs of two sides walked in id order (a merge: both are sorted, each id once a side);
/// `items` is how many items the two sides hold together.
fn paired_items<'a>(
    candidate: impl Iterator<Item = (&'a String, f64)>,
    baseline: impl Iterator<Item = (&'a String, f64)>,
    items: usize,
    clusters: &IndexMap<String, String>,
) -> Paired {
    let mut baseline = baseline.peekable();
    let both = candidate.filter_map(|(id, c)| {
        while baseline.next_if(|(b, _)| *b < id).is_some() {}
        let (_, b) = baseline.next_if(|(b, _)| *b == id)?;
        Some((id, c - b))
    });
    let (d, cluster_of) = dense(clusters, both);
    let enough = d.len() >= 2;
    Paired {
        pairs: d.len() as u64,
        // Each pair is an item of both sides; every other item is unpaired.
        unpaired: (items - 2 * d.len()) as u64,
        delta: stats::mean(&d).filter(|_| enough),
        stderr: stats::clustered_stderr(&d, clusters_of(&cluster_of)).filter(|_| enough),
        clusters: match &cluster_of {
            Some(of) => of.iter().max().map_or(0, |c| c + 1),
            None => d.len(),
        } as u64,
    }
}

/// An instant as it was written: a signed statement covers the text (TRUST.md section 2),
/// evaluation reads the instant.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Stamp {
    pub at: DateTime<Utc>,
    pub text: String,
}

impl Stamp {
    /// An instant written as RFC 3339 in UTC, to the second (what `tollgate sign` writes).
    pub fn of(at: DateTime<Utc>) -> Stamp {
        Stamp {
            at,
            text: at.to_rfc3339_opts(chrono::SecondsFormat::Secs, true),
        }
    }
}

/// A sign-off. `candidate`, `evidence` and `signature` make it a signed one (TRUST.md).
#[derive(Debug, Clone, PartialEq)]
pub struct Signoff {
    pub role: String,
    pub by: String,
    pub candidate: Option<String>,
    pub at: Option<Stamp>,
    pub expires: Option<Stamp>,
    /// sha256 (lowercase hex) of the evidence files the signer reviewed.
    pub evidence: Option<Vec<String>>,
    /// An armored OpenSSH `SSHSIG` over the entry's statement.
    pub signature: Option<String>,
    /// Index into [`Bundle::files`] of the file it came from.
    pub file: usize,
}

/// A waiver. `candidate`, `evidence` and `signature` make it a signed one (TRUST.md).
#[derive(Debug, Clone, PartialEq)]
pub struct Waiver {
    pub rule: String,
    pub role: String,
    pub by: String,
    pub reason: String,
    pub expires: Stamp,
    pub candidate: Option<String>,
    pub evidence: Option<Vec<String>>,
    pub signature: Option<String>,
    /// Index into [`Bundle::files`] of the file it came from.
    pub file: usize,
}

impl Signoff {
    /// Whether the sign-off counts at `now`: it has no expiry, or expires after `now` (one
    /// expiring at `now` exactly has expired).
    pub fn holds_at(&self, now: DateTime<Utc>) -> bool {
        self.expires.as_ref().is_none_or(|e| e.at > now)
    }
}

impl Waiver {
    /// Whether the waiver has expired at `now` (at `now` exactly counts as expired).
    pub fn expired_at(&self, now: DateTime<Utc>) -> bool {
        self.expires.at <= now
    }
}
