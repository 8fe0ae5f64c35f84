//! Making signatures (TRUST.md sections 4 and 5): `tollgate sign` and `eval --sign-key`.

use ssh_key::private::{KeypairData, RsaKeypair};
use ssh_key::public::KeyData;
use ssh_key::{Algorithm, HashAlg, LineEnding, PrivateKey, SshSig};

/// Why a private key cannot be used.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum KeyProblem {
    /// Not an OpenSSH private key.
    Unreadable(String),
    /// Encrypted, and the passphrase does not open it.
    WrongPassphrase,
    /// A key type Tollgate does not accept.
    Unsupported(String),
}

impl std::fmt::Display for KeyProblem {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            KeyProblem::Unreadable(e) => write!(f, "not an OpenSSH private key: {e}"),
            KeyProblem::WrongPassphrase => f.write_str("the passphrase does not open the key"),
            KeyProblem::Unsupported(t) => write!(
                f,
                "{t} keys are not accepted: use ssh-ed25519, ecdsa-sha2-nistp256 or ssh-rsa"
            ),
        }
    }
}

/// The private key in `text` (an OpenSSH private key file). An encrypted key is opened with
/// the passphrase `passphrase` gives, asked only when needed.
pub fn read_private_key(
    text: &str,
    passphrase: impl FnOnce() -> Option<String>,
) -> Result<PrivateKey, KeyProblem> {
    let key = PrivateKey::from_openssh(text).map_err(|e| KeyProblem::Unreadable(e.to_string()))?;
    let key = if key.is_encrypted() {
        let pass = passphrase().ok_or(KeyProblem::WrongPassphrase)?;
        key.decrypt(pass.as_bytes())
            .map_err(|_| KeyProblem::WrongPassphrase)?
    } else {
        key
    };
    let algorithm = key.algorithm();
    let accepted = matches!(
        algorithm,
        ssh_key::Algorithm::Ed25519
            | ssh_key::Algorithm::Ecdsa {
                curve: ssh_key::EcdsaCurve::NistP256
            }
            | ssh_key::Algorithm::Rsa { .. }
    );
    if accepted {
        Ok(key)
    } else {
        Err(KeyProblem::Unsupported(algorithm.to_string()))
    }
}

/// An armored `SSHSIG` over `message` in `namespace`, hash sha512, as `ssh-keygen -Y sign`
/// writes it (ending in a newline).
pub fn sign(key: &PrivateKey, namespace: &str, message: &[u8]) -> Result<String, String> {
    let signature = match key.key_data() {
        KeypairData::Rsa(keypair) => sign_rsa(keypair, namespace, message),
        _ => key.sign(namespace, HashAlg::Sha512, message),
    }
    .map_err(|e| e.to_string())?;
    let mut pem = signature
        .to_pem(LineEnding::LF)
        .map_err(|e| e.to_string())?;
    if !pem.ends_with('\n') {
        pem.push('\n');
    }
    Ok(pem)
}

/// An `rsa-sha2-512` `SSHSIG`, made with the `rsa` crate directly: `ssh-key` 0.6.7 builds the
/// private key from its first prime twice, and so cannot sign with any RSA key.
fn sign_rsa(keypair: &RsaKeypair, namespace: &str, message: &[u8]) -> ssh_key::Result<SshSig> {
    use rsa::signature::{SignatureEncoding, Signer};
    let int = |m: &ssh_key::Mpint| rsa::BigUint::try_from(m);
    let private = rsa::RsaPrivateKey::from_components(
        int(&keypair.public.n)?,
        int(&keypair.public.e)?,
        int(&keypair.private.d)?,
        vec![int(&keypair.private.p)?, int(&keypair.private.q)?],
    )
    .map_err(|_| ssh_key::Error::Crypto)?;
    let signing = rsa::pkcs1v15::SigningKey::<sha2::Sha512>::new(private);
    let data = SshSig::signed_data(namespace, HashAlg::Sha512, message)?;
    let raw = signing
        .try_sign(&data)
        .map_err(|_| ssh_key::Error::Crypto)?;
    let signature = ssh_key::Signature::new(
        Algorithm::Rsa {
            hash: Some(HashAlg::Sha512),
        },
        raw.to_vec(),
    )?;
    SshSig::new(
        KeyData::Rsa(keypair.public.clone()),
        namespace,
        HashAlg::Sha512,
        signature,
    )
}
