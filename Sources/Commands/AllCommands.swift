import ApplianceConfig
import Certificates
import FoundationEssentials
import Shell

/// Every command of the shell. Help, `?` and Tab completion are generated from this list.
public enum AllCommands {
    public static let commands: [any ShellCommand] = commands(gateway: ServeLink())

    /// Every command, the gateway commands reaching `esa serve` through `gateway` (tests give a fake).
    public static func commands(gateway: any GatewayLink) -> [any ShellCommand] {
        [
            HelpCommand(),
            VersionCommand(),
            StatusCommand(link: gateway),
            ResetCountersCommand(),
            DeliverNowCommand(link: gateway),
            HostStatusCommand(link: gateway),
            TLSVerifyCommand(),
            MailConfigCommand(link: gateway),
            TailCommand(),
            GrepCommand(),
            TLSLogConfigCommand(),
            ExitCommand(),
            HistoryCommand(),
            CommitCommand(),
            ClearChangesCommand(),
            CommitDetailCommand(),
            CommitHistoryCommand(),
            RollbackConfigCommand(),
            ShowChangesCommand(),
            DiffConfigCommand(),
            SetHostnameCommand(),
            ShowConfigCommand(),
            SaveConfigCommand(),
            LoadConfigCommand(),
            InterfaceConfigCommand(),
            LDAPConfigCommand(),
            WebSecurityConfigCommand(),
            AlertConfigCommand(),
            DestConfigCommand(),
            ListenerConfigCommand(),
            CertConfigCommand(),
            SetTTYModeCommand(),
            PasswdCommand(),
            UserConfigCommand(),
            SSHConfigCommand(),
        ]
    }

    public static let registry = CommandRegistry(commands)
}

/// The configuration of a new appliance: the factory values with a freshly generated Demo certificate.
public enum FactoryConfiguration {
    public static func make(now: Date) throws -> ApplianceConfiguration {
        let demo = try DemoCertificate.make(now: now)
        return .factory(
            demo: CertificateProfileRecord(
                name: .demo,
                certificatePEM: demo.certificate.pem,
                privateKeyPEM: demo.key.pkcs8PEM
            )
        )
    }
}
