import ApplianceConfig

/// What `esa serve` prints when listeners cannot bind — on a fresh data directory the factory
/// Management interface (192.168.42.42) does not exist on the machine: which listener, why, and the
/// batch commands that move it to the loopback address and a free port.
public enum LoopbackHint {
    /// `esa` is how the admin starts the shell (`esa --data-dir /srv/esa`, `Scripts/esa`).
    public static func lines(
        for unbound: [ApplyReport.Unbound],
        configuration: ApplianceConfiguration,
        esa: String
    ) -> [String] {
        guard !unbound.isEmpty else { return [] }
        var lines = unbound.map { "listener \($0.listener) could not bind \($0.address):\($0.port): \($0.reason)" }
        var commands: [String] = []
        var movedInterfaces: Set<InterfaceName> = []
        var port = 2525
        for entry in unbound {
            guard let listener = configuration.listener(named: entry.listener),
                let interface = configuration.interface(named: listener.interface)
            else { continue }
            let loopback = interface.address.hasPrefix("127.") || interface.address == "::1"
            if !loopback && movedInterfaces.insert(interface.name).inserted {
                commands.append("interfaceconfig edit \(interface.name) --address=127.0.0.1/8")
            }
            commands.append("listenerconfig edit \(listener.name) interface \(interface.name) --port=\(port)")
            port += 1
        }
        guard !commands.isEmpty else { return lines }
        lines.append("The other listeners keep running. To listen on this machine's loopback address instead, run:")
        lines.append("    \(esa) -c '\((commands + ["commit \"Gateway on loopback\""]).joined(separator: "; "))'")
        return lines
    }
}
