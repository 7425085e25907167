import FoundationEssentials

/// Something chain normalisation changed or noticed (certconfig.md §8 row 5).
public enum ChainNote: Sendable, Equatable {
    /// An exact copy, or an older re-issue with the same subject and key, was dropped (CN).
    case removedDuplicate(String)
    /// The self-signed root at the top of the chain was dropped (CN).
    case removedRoot(String)
    /// A certificate that is not part of the leaf's chain was dropped (CN).
    case removedUnrelated(String)
    /// A certificate outside the chain was dropped while the chain misses an issuer: it is not that
    /// issuer (a sibling of the missing intermediate, say). The CN and the missing issuer's CN.
    case removedNotTheIssuer(String, missing: String)
    /// The top of the chain is not issued by any trusted certificate (issuer's CN).
    case incomplete(issuer: String)
    /// The chain reaches the given root (removed: roots are not sent), but no enabled CA list
    /// holds it: peers that do not trust it cannot verify the chain (root's CN).
    case untrustedRoot(String)
    /// An intermediate kept in the chain expired on the given date (CN, notAfter).
    case intermediateExpired(String, Date)
}

/// The outcome of chain normalisation.
public struct ChainResult: Sendable, Equatable {
    /// Intermediates in order from the one that issued the leaf upwards, without the root.
    public let intermediates: [Certificate]
    /// The self-signed root found among the candidates, if any (it is not kept in the chain).
    public let root: Certificate?
    /// What was removed or is missing, in the order it was found.
    public let notes: [ChainNote]
}

/// Chain normalisation for certificates entering the appliance.
public enum ChainCheck {
    /// The most intermediates a profile may hold after normalisation (certconfig.md §8 row 7).
    public static let maximumIntermediates = 10

    /// Orders `candidates` from `leaf` upwards by issuer name and signature; drops exact duplicates
    /// (and copies of the leaf); of certificates with the same subject and key keeps the one that
    /// signs and expires last; drops a self-signed root and anything outside the chain. Reports
    /// each removal, an incomplete chain (top not issued by, nor equal to, any `trusted`
    /// certificate, unless the leaf is self-signed) and intermediates expired at `now`.
    public static func normalise(
        leaf: Certificate,
        candidates: [Certificate],
        trusted: [Certificate],
        now: Date
    ) -> ChainResult {
        var notes: [ChainNote] = []
        var pool: [Certificate] = []
        var seen: Set<Certificate> = [leaf]
        for candidate in candidates {
            if seen.insert(candidate).inserted {
                pool.append(candidate)
            } else {
                notes.append(.removedDuplicate(candidate.subject.displayName))
            }
        }

        var chain: [Certificate] = []
        var root: Certificate?
        var current = leaf
        if !leaf.isSelfSigned {
            while !pool.isEmpty {
                let issuers = pool.filter { current.isIssued(by: $0) }
                guard let chosen = issuers.max(by: { $0.notAfter < $1.notAfter }) else {
                    break
                }
                for other in issuers where other != chosen && other.hasSamePublicKey(as: chosen) {
                    notes.append(.removedDuplicate(other.subject.displayName))
                    pool.removeAll { $0 == other }
                }
                pool.removeAll { $0 == chosen }
                if chosen.isSelfSigned {
                    root = chosen
                    notes.append(.removedRoot(chosen.subject.displayName))
                    break
                }
                chain.append(chosen)
                current = chosen
            }
        }
        let top = chain.last ?? leaf
        let isTrusted = top.isSelfSigned || trusted.contains(top) || trusted.contains(where: { top.isIssued(by: $0) })
        // The issuer the chain lacks: none when it reached a root that was given.
        let missing = isTrusted || root != nil ? nil : top.issuer.displayName
        for leftover in pool {
            let isReissue = (chain + [leaf]).contains {
                $0.subject == leftover.subject && $0.hasSamePublicKey(as: leftover)
            }
            let name = leftover.subject.displayName
            if isReissue {
                notes.append(.removedDuplicate(name))
            } else if let missing {
                notes.append(.removedNotTheIssuer(name, missing: missing))
            } else {
                notes.append(.removedUnrelated(name))
            }
        }
        if !isTrusted {
            if let root {
                notes.append(.untrustedRoot(root.subject.displayName))
            } else {
                notes.append(.incomplete(issuer: top.issuer.displayName))
            }
        }
        for intermediate in chain where intermediate.notAfter < now {
            notes.append(.intermediateExpired(intermediate.subject.displayName, intermediate.notAfter))
        }
        return ChainResult(intermediates: chain, root: root, notes: notes)
    }
}
