//! `tollgate sign signoff|waiver` (TRUST.md section 4): a signed approval written as an
//! evidence file, or with `--statement` the bytes to sign with `ssh-keygen -Y sign`.

use std::path::{Path, PathBuf};

use tollgate::diagnostic::{Code, Diagnostic};
use tollgate::evidence::statement::Approval;
use tollgate::evidence::{self, Bundle, Signoff, Stamp, Waiver};
use tollgate::trust::{self, NAMESPACE};

use super::output::print_diagnostics;
use super::Exit;

#[derive(clap::Args)]
pub struct Args {
    #[command(subcommand)]
    what: What,
}

#[derive(clap::Subcommand)]
enum What {
    /// A sign-off: ROLE approves the launch of CANDIDATE.
    Signoff {
        /// The role approving (a principal of the policy's trust file).
        #[arg(long)]
        role: String,
        /// Who signs (shown in reports).
        #[arg(long)]
        by: String,
        /// When it was given (RFC 3339 or a date); default: now.
        #[arg(long)]
        at: Option<String>,
        /// When it ends (RFC 3339 or a date).
        #[arg(long)]
        expires: Option<String>,
        #[command(flatten)]
        common: Common,
    },
    /// A waiver: ROLE sets RULE aside for CANDIDATE until EXPIRES.
    Waiver {
        /// The id of the rule set aside.
        #[arg(long)]
        rule: String,
        /// The role waiving (one the rule is `waivable by`).
        #[arg(long)]
        role: String,
        /// Who signs (shown in reports).
        #[arg(long)]
        by: String,
        /// Why the rule is set aside.
        #[arg(long)]
        reason: String,
        /// When the waiver ends (RFC 3339 or a date).
        #[arg(long)]
        expires: String,
        #[command(flatten)]
        common: Common,
    },
}

#[derive(clap::Args)]
struct Common {
    /// The candidate the approval is for (the evidence's `candidate`).
    #[arg(long)]
    candidate: String,
    /// Evidence files reviewed: the approval counts only with each of them in the bundle.
    #[arg(long, value_name = "FILE", num_args = 1..)]
    evidence: Vec<PathBuf>,
    /// OpenSSH private key to sign with (asks for the passphrase of an encrypted one).
    #[arg(long, value_name = "KEY", required_unless_present = "statement")]
    key: Option<PathBuf>,
    /// Print the statement bytes to sign (with `ssh-keygen -Y sign -n tollgate`) instead.
    #[arg(long)]
    statement: bool,
    /// Write to this file instead of standard output.
    #[arg(short = 'o', long = "output", value_name = "FILE")]
    output: Option<PathBuf>,
}

fn usage(message: String, help: &str) -> Diagnostic {
    Diagnostic::error(Code::Usage, message).with_help(help.to_string())
}

fn stamp(text: &str, flag: &str) -> Result<Stamp, Diagnostic> {
    let at = evidence::parse_instant(text).ok_or_else(|| {
        usage(
            format!("--{flag} is not a date-time or a date: \"{text}\""),
            "write an RFC 3339 date-time such as 2025-04-25T09:00:00Z, or a date such as \
             2025-04-25",
        )
    })?;
    Ok(Stamp {
        at,
        text: text.to_string(),
    })
}

/// The sha256 of each reviewed file.
fn digests(files: &[PathBuf]) -> Result<Option<Vec<String>>, Diagnostic> {
    if files.is_empty() {
        return Ok(None);
    }
    let mut out = Vec::new();
    for f in files {
        let bytes = std::fs::read(f).map_err(|e| {
            Diagnostic::error(Code::Io, format!("cannot read {}: {e}", f.display()))
                .with_help("--evidence names the evidence files the approval covers")
        })?;
        out.push(tollgate::policy::sha256_hex(&bytes));
    }
    Ok(Some(out))
}

pub fn run(args: Args) -> Exit {
    match sign(args) {
        Ok(()) => Exit::Ok,
        Err(d) => {
            print_diagnostics([&d]);
            Exit::Unusable
        }
    }
}

fn sign(args: Args) -> Result<(), Diagnostic> {
    let (mut bundle, common) = match args.what {
        What::Signoff {
            role,
            by,
            at,
            expires,
            common,
        } => {
            let at = match at {
                Some(t) => stamp(&t, "at")?,
                None => Stamp::of(chrono::Utc::now()),
            };
            let expires = expires.map(|e| stamp(&e, "expires")).transpose()?;
            if expires.as_ref().is_some_and(|e| e.at < at.at) {
                return Err(usage(
                    format!("--expires is before --at ({})", at.text),
                    "a sign-off cannot end before it is given: give --at, or a later --expires",
                ));
            }
            let signoff = Signoff {
                role,
                by,
                candidate: Some(common.candidate.clone()),
                at: Some(at),
                expires,
                evidence: digests(&common.evidence)?,
                signature: None,
                file: 0,
            };
            let bundle = Bundle {
                signoffs: vec![signoff],
                ..Bundle::default()
            };
            (bundle, common)
        }
        What::Waiver {
            rule,
            role,
            by,
            reason,
            expires,
            common,
        } => {
            let waiver = Waiver {
                rule,
                role,
                by,
                reason,
                expires: stamp(&expires, "expires")?,
                candidate: Some(common.candidate.clone()),
                evidence: digests(&common.evidence)?,
                signature: None,
                file: 0,
            };
            let bundle = Bundle {
                waivers: vec![waiver],
                ..Bundle::default()
            };
            (bundle, common)
        }
    };
    let statement = match (bundle.signoffs.first(), bundle.waivers.first()) {
        (Some(s), _) => s.statement(),
        (None, Some(w)) => w.statement(),
        (None, None) => String::new(),
    };
    if common.statement {
        return write(common.output.as_deref(), &statement);
    }
    let Some(key_path) = &common.key else {
        return Err(usage(
            String::from("--key is required to sign"),
            "give --key KEY, or --statement to sign with ssh-keygen",
        ));
    };
    let key = load_key(key_path)?;
    let signature = trust::sign(&key, NAMESPACE, statement.as_bytes())
        .map_err(|e| Diagnostic::error(Code::Internal, format!("cannot sign: {e}")))?;
    for s in &mut bundle.signoffs {
        s.signature = Some(signature.clone());
    }
    for w in &mut bundle.waivers {
        w.signature = Some(signature.clone());
    }
    write(common.output.as_deref(), &approvals_file(&bundle))
}

/// The bundle as a native evidence file holding only its approvals.
fn approvals_file(bundle: &Bundle) -> String {
    let mut doc: serde_json::Value =
        serde_json::from_str(&evidence::to_native_json(bundle)).unwrap_or_default();
    if let Some(map) = doc.as_object_mut() {
        map.remove("metrics");
    }
    let mut text = serde_json::to_string_pretty(&doc).unwrap_or_default();
    text.push('\n');
    text
}

fn write(output: Option<&Path>, text: &str) -> Result<(), Diagnostic> {
    match output {
        Some(path) => std::fs::write(path, text).map_err(|e| {
            Diagnostic::error(Code::Io, format!("cannot write {}: {e}", path.display()))
                .with_help("check that the folder exists and can be written")
        }),
        None => {
            print!("{text}");
            Ok(())
        }
    }
}

/// The private key at `path`, asking on the terminal for the passphrase of an encrypted one.
pub fn load_key(path: &Path) -> Result<ssh_key::PrivateKey, Diagnostic> {
    let shown = path.display().to_string();
    let text = std::fs::read_to_string(path).map_err(|e| {
        Diagnostic::error(Code::Io, format!("cannot read the key {shown}: {e}"))
            .with_help("give the OpenSSH private key file (such as ~/.ssh/id_ed25519)")
    })?;
    let ask = || rpassword::prompt_password(format!("Enter passphrase for {shown}: ")).ok();
    trust::read_private_key(&text, ask).map_err(|problem| {
        Diagnostic::error(Code::Usage, format!("{shown}: {problem}")).with_help(
            "sign with an OpenSSH ed25519, ECDSA P-256 or RSA private key; an encrypted key \
             needs its passphrase, typed on the terminal",
        )
    })
}
