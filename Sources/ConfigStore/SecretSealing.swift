import ApplianceConfig
import FoundationEssentials
import Synchronization

/// Encrypts the secrets of a configuration (the private keys of certificate profiles) before they are
/// stored, and decrypts them when a revision is read.
///
/// The store only knows this protocol; the binary supplies the implementation (AES-256-GCM with the
/// data directory's `secret.key`, from `Certificates`), so that `ConfigStore` stays below the
/// cryptography and a test can use a store without one.
public protocol SecretSealing: Sendable {
    /// The sealed form of `secret` (printable text, a fresh nonce each time).
    func seal(_ secret: String) throws -> String
    /// The secret sealed by ``seal(_:)`` with the same key; throws when the key differs or the text
    /// was altered.
    func open(_ sealed: String) throws -> String
}

/// Seals and opens the private keys of a configuration, remembering the sealed form of each key so
/// that committing an unchanged key stores the same bytes again (and shares its chunk).
final class KeySealer: Sendable {
    /// Marks a sealed key in stored content; a key without it was stored in plain text (by an older
    /// version, or by a store without a sealer).
    static let marker = "esa-sealed-v1:"

    let sealer: (any SecretSealing)?
    private let sealedForm = Mutex<[String: String]>([:])

    init(_ sealer: (any SecretSealing)?) {
        self.sealer = sealer
    }

    /// `configuration` with every private key sealed (unchanged without a sealer).
    func sealing(_ configuration: ApplianceConfiguration) throws -> ApplianceConfiguration {
        guard let sealer, configuration.certificates.contains(where: { !$0.privateKeyPEM.isEmpty }) else {
            return configuration
        }
        var sealed = configuration
        for index in sealed.certificates.indices {
            let key = sealed.certificates[index].privateKeyPEM
            guard !key.isEmpty, !key.hasPrefix(Self.marker) else { continue }
            if let known = sealedForm.withLock({ $0[key] }) {
                sealed.certificates[index].privateKeyPEM = known
                continue
            }
            let form: String
            do {
                form = Self.marker + (try sealer.seal(key))
            } catch {
                throw StoreError(.secretUnavailable, context: .sealingKeys, reason: "\(error)")
            }
            remember(key, form)
            sealed.certificates[index].privateKeyPEM = form
        }
        return sealed
    }

    /// `configuration` with every sealed private key opened.
    func opening(_ configuration: ApplianceConfiguration) throws -> ApplianceConfiguration {
        guard configuration.certificates.contains(where: { $0.privateKeyPEM.hasPrefix(Self.marker) }) else {
            return configuration
        }
        guard let sealer else {
            throw StoreError(.secretUnavailable, context: .noSecret)
        }
        var opened = configuration
        for index in opened.certificates.indices {
            let form = opened.certificates[index].privateKeyPEM
            guard form.hasPrefix(Self.marker) else { continue }
            do {
                let key = try sealer.open(String(form.dropFirst(Self.marker.count)))
                remember(key, form)
                opened.certificates[index].privateKeyPEM = key
            } catch {
                throw StoreError(.secretUnavailable, context: .openingKeys, reason: "\(error)")
            }
        }
        return opened
    }

    private func remember(_ key: String, _ form: String) {
        sealedForm.withLock { sealedForm in
            if sealedForm.count >= 1000 { sealedForm.removeAll() }
            sealedForm[key] = form
        }
    }
}
