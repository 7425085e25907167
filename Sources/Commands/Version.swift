import Shell

/// `version`: system version information (other-commands.md §8).
public struct VersionCommand: DeclaredCommand {
    /// No batch form: any word after the name is refused.
    public let grammar = Grammar(
        CommandConfiguration("version", summary: "View system version information.", access: .status),
        interactive: { try VersionCommand.show($0) }
    )

    private static func show(_ session: Session) throws {
        let info = session.environment.appliance
        let installed = session.clock.format(info.installDate, "%Y-%m-%d %H:%M:%S")
        session.dialog.block(
            "Current Version",
            "===============",
            "Product: \(ApplianceInfo.product)",
            "Model: \(ApplianceInfo.model)",
            "Version: \(ApplianceInfo.version)",
            "Build Date: \(ApplianceInfo.buildDate)",
            "Install Date: \(installed)",
            "Serial #: \(info.serialNumber)",
            "BIOS: NA",
            "CPUs: \(info.cpuCount) expected, \(info.cpuCount) allocated",
            "Memory: \(info.memoryMegabytes) MB expected, \(info.memoryMegabytes) MB allocated",
            "RAID: NA",
            "RAID Status: Unknown",
            "RAID Type: NA",
            "BMC: NA"
        )
    }
}
