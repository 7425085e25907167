import Crypto
import NIOSSH

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The endpoint's host keys (ssh.md §1): an ed25519 and an ECDSA P-256 key, made once into the
/// data directory's `ssh/` folder (0700) as files of 0600 holding the 32 raw private-key bytes,
/// and read back on every start, so clients see the same host key across restarts.
public struct HostKeys: Sendable {
    /// `ssh_host_ed25519_key`, `ssh_host_ecdsa_key`.
    public static let ed25519FileName = "ssh_host_ed25519_key"
    public static let ecdsaFileName = "ssh_host_ecdsa_key"

    let keys: [NIOSSHPrivateKey]
    /// The public halves, as OpenSSH `known_hosts` key text (`ssh-ed25519 AAAA…`).
    public let publicKeys: [String]

    /// Reads the keys from `folder`, making any that is missing. A file that exists but is not a key
    /// is an error, never silently replaced (clients would see a changed host key).
    public static func loadOrCreate(in folder: String) throws(SSHEndpointError) -> HostKeys {
        if mkdir(folder, 0o700) != 0 && errno != EEXIST {
            throw .system("creating \(folder)", errno)
        }
        let ed25519Bytes = try loadOrCreate(path: "\(folder)/\(ed25519FileName)") {
            Array(Curve25519.Signing.PrivateKey().rawRepresentation)
        }
        let ecdsaBytes = try loadOrCreate(path: "\(folder)/\(ecdsaFileName)") {
            Array(P256.Signing.PrivateKey().rawRepresentation)
        }
        let ed25519: Curve25519.Signing.PrivateKey
        let ecdsa: P256.Signing.PrivateKey
        do {
            ed25519 = try Curve25519.Signing.PrivateKey(rawRepresentation: ed25519Bytes)
        } catch {
            throw SSHEndpointError(.badHostKey, "The host key \(folder)/\(ed25519FileName) is not an ed25519 key.")
        }
        do {
            ecdsa = try P256.Signing.PrivateKey(rawRepresentation: ecdsaBytes)
        } catch {
            throw SSHEndpointError(.badHostKey, "The host key \(folder)/\(ecdsaFileName) is not a P-256 key.")
        }
        let keys = [NIOSSHPrivateKey(ed25519Key: ed25519), NIOSSHPrivateKey(p256Key: ecdsa)]
        return HostKeys(keys: keys, publicKeys: keys.map { String(openSSHPublicKey: $0.publicKey) })
    }

    private static func loadOrCreate(path: String, make: () -> [UInt8]) throws(SSHEndpointError) -> [UInt8] {
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        if fd >= 0 {
            defer { close(fd) }
            var bytes = [UInt8](repeating: 0, count: 64)
            let count = read(fd, &bytes, bytes.count)
            guard count == 32 else {
                throw SSHEndpointError(.badHostKey, "The host key \(path) is not a key esa wrote (32 bytes).")
            }
            return Array(bytes.prefix(32))
        }
        guard errno == ENOENT else { throw .system("reading \(path)", errno) }
        // Written to a temporary name and renamed: a crash never leaves half a key behind.
        let bytes = make()
        let temporary = "\(path).new"
        unlink(temporary)
        let out = open(temporary, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o600)
        guard out >= 0 else { throw .system("writing \(temporary)", errno) }
        let written = bytes.withUnsafeBytes { write(out, $0.baseAddress, $0.count) }
        let synced = fsync(out)
        close(out)
        guard written == bytes.count, synced == 0, rename(temporary, path) == 0 else {
            let code = errno
            unlink(temporary)
            throw .system("writing \(path)", code)
        }
        return bytes
    }
}
