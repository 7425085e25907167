import Certificates
import ConfigStore
import FoundationEssentials
import Synchronization

#if canImport(Glibc)
import Glibc
#endif

/// Seals the private keys of the configuration store with the data directory's `secret.key`
/// (AES-256-GCM, the `SecretBox` that `saveconfig` uses for encrypted passphrases), so a copy of
/// `config.db` alone reveals no key. The key file is created (32 random bytes, 0600) the first time a
/// key is sealed; opening never creates it.
public final class SecretKeyFile: SecretSealing {
    private let path: String
    private let box = Mutex<SecretBox?>(nil)

    public init(path: String) {
        self.path = path
    }

    public func seal(_ secret: String) throws -> String {
        try load(create: true).seal(secret)
    }

    public func open(_ sealed: String) throws -> String {
        try load(create: false).open(sealed)
    }

    private struct Unavailable: Error, CustomStringConvertible {
        var description: String
    }

    private func load(create: Bool) throws -> SecretBox {
        try box.withLock { box in
            if let box { return box }
            var key = try read()
            if key == nil && create {
                let fresh = SecretBox.randomKey()
                key = try write(fresh) ? fresh : read()
            }
            guard let key else { throw Unavailable(description: "\(path) is missing") }
            let made = try SecretBox(key: key)
            box = made
            return made
        }
    }

    /// The key, or nil when the file does not exist.
    private func read() throws -> [UInt8]? {
        let fd = Glibc.open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW)
        if fd < 0 {
            if errno == ENOENT { return nil }
            throw Unavailable(description: "\(path): \(String(cString: strerror(errno)))")
        }
        defer { close(fd) }
        var bytes = [UInt8](repeating: 0, count: 64)
        let count = bytes.withUnsafeMutableBytes { Glibc.read(fd, $0.baseAddress, $0.count) }
        guard count == 32 else { throw Unavailable(description: "\(path) is not a 32-byte key") }
        return Array(bytes.prefix(32))
    }

    /// Creates the file with `key`; false when another process created it first.
    private func write(_ key: [UInt8]) throws -> Bool {
        let fd = Glibc.open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW, 0o600)
        if fd < 0 {
            if errno == EEXIST { return false }
            throw Unavailable(description: "\(path) cannot be created: \(String(cString: strerror(errno)))")
        }
        defer { close(fd) }
        let written = key.withUnsafeBytes { Glibc.write(fd, $0.baseAddress, $0.count) }
        guard written == key.count, fsync(fd) == 0 else {
            unlink(path)
            throw Unavailable(description: "\(path) cannot be written: \(String(cString: strerror(errno)))")
        }
        return true
    }
}
