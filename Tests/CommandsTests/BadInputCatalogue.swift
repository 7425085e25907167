import Foundation
import Testing

/// How an entry of the bad-input catalogue reaches the shell.
enum BadInputChannel: String, Sendable {
    /// `TestShell.run`: the real interpreter on a piped script.
    case shell
    /// The built `esa` binary with the bytes on standard input (`esa < file`).
    case binary
    /// The built `esa` binary on a pseudo-terminal (Tests/EndToEndTests/BadInputEndToEndTests.swift).
    case terminal
}

/// One bad input: what is typed, the line the admin sees on stderr and the exit status of the piped run.
struct BadInputEntry: Sendable, CustomTestStringConvertible {
    let id: Int
    /// The command (or `shell`) the input is given to.
    let command: String
    /// What is wrong with the input, as shown in Docs/Errors.md.
    let badInput: String
    let channel: BadInputChannel
    /// Lines run first in the same session (they stage a change the bad input needs, such as for commit).
    let prefix: String
    /// The bad input: a command and its answers; the last line is the one refused.
    let input: [UInt8]
    /// The line of `prefix + input` named on stderr (nil for terminal entries).
    let line: Int?
    /// The message after `line N: ` (several lines only where the spec shows several).
    let message: String
    /// The exit status of the piped run (nil for terminal entries, which stay in the session).
    let status: Int32?
    /// Lines added to the catalogue's setup before its commit (appliance users, for instance).
    var setup = ""
    /// The appliance user the session runs as (`esa --user NAME`); nil for the local operator.
    var user: String? = nil

    /// Whether the session may stage changes (the staged-view check stages a host name first): not
    /// a Read-Only Operator, nor the factory admin before the passphrase change.
    var stages: Bool { user != "rita" && user != "admin" }

    var testDescription: String { "#\(id) \(command): \(badInput)" }

    /// Everything the piped run writes on stderr.
    var standardError: String {
        guard let line else { return "" }
        return "line \(line): \(message)\n"
    }

    /// The input ends while a question waits: the session ends, so the staged view is checked inside it.
    var endsInsideDialog: Bool { message == "input ended during a dialog" }
}

/// The catalogue: the single source of the behaviour test and of the table in Docs/Errors.md.
enum BadInputCatalogue {
    /// Committed before every entry (revision 2): profile `p1` bound to LDAP, interface `Data1` used by
    /// listener `Out1`, and `demo.pfx` (the Demo profile, passphrase `pw`) in /configuration.
    static let setup = """
        certconfig
        certificate
        new
        p1
        mail.example.com
        Org
        Unit
        City
        State
        US
        365
        4
        n
        n
        n


        ldapconfig setup --certificate=p1
        interfaceconfig new Data1 10.0.0.5/24 data1.example.com
        listenerconfig new Out1 private Data1 smtp
        certconfig
        certificate
        export
        1
        demo.pfx
        pw
        pw
        n


        commit "setup"

        """

    /// Files put in /configuration before every entry.
    static let files: [String: [UInt8]] = [
        "broken.xml": Array("<config>\n<hostname>mail.example.com</hostname>\n".utf8),
        "notes.xml": Array("These are notes, not a configuration.\n".utf8),
        "bad.pem": Array("-----BEGIN CERTIFICATE-----\nnot base64 at all!\n-----END CERTIFICATE-----\n".utf8),
        "bad.ini": Array("[example.com\ntls = on\n".utf8),
        "bad.hat": Array("this is not a hat line ==\n".utf8),
        "junk.pfx": Array("this is not a PKCS#12 file\n".utf8),
        "slow.pfx": slowPFX,
        "deep.xml": Array(
            ("<config>" + String(repeating: "<x>", count: 70) + String(repeating: "</x>", count: 70) + "</config>\n")
                .utf8
        ),
        "entity.xml": Array(
            """
            <?xml version="1.0"?>
            <!DOCTYPE config [<!ENTITY host "mail.example.com">]>
            <config>
            <hostname>&host;</hostname>
            </config>

            """.utf8
        ),
    ]

    /// A PKCS#12 file (a throwaway EC key, passphrase `pw`) written by `openssl pkcs12 -export -iter
    /// 2000000`: its MAC, key bag and certificate safe each ask for 2,000,000 PBKDF2 iterations.
    static let slowPFX: [UInt8] = Array(
        Data(
            base64Encoded:
                "MIIEHwIBAzCCA9QGCSqGSIb3DQEHAaCCA8UEggPBMIIDvTCCAnMGCSqGSIb3DQEHBqCCAmQwggJgAgEAMIICWQYJKoZIhvcN"
                + "AQcBMFgGCSqGSIb3DQEFDTBLMCoGCSqGSIb3DQEFDDAdBAheW1xfANcm4QIDHoSAMAwGCCqGSIb3DQIJBQAwHQYJYIZIAWUD"
                + "BAEqBBCY+RcKqz2WmF4ql7S4Md4fgIIB8E7RdpDG54ndVQohpjlh16qCyl1aMBQSDM9JuWTE+pF+tAZDgtPYFHKdTjpIyJRX"
                + "56hGI9Oj3cJQwUCtlyxmQfgpewtmUrNHAKaAI4XHSgbBv9cSuH+RC+/9Xpoh38UTHWu7WzrYphMUoCsJbCs+rKrBCDL3FNPD"
                + "RZefBVHMahFcTaG9GJlkGcrCUPtwhuaPgi3fN/Jo4CIXfMpGDkNUnc3uQeyYmwgCP9G5pF/RIftn7cVqQY627Icm2QCnGXkJ"
                + "iJu8Ogz+nk6YfxHpwrmCM6Yz4eYK1wBHQa2R6aa3RrbJf2USfYMbIXn6LSCQsbZs8PCBkdoVqIvhaiOGT3uoXaEbxAGnJjOq"
                + "tzqGYaK3pbjV77oi/Xh7Nf37zi9XBVKu10S8iZknUtTOtVODoGXRU9KOkU5hU9Y6iHLg7LPSXtu5/DprrxvyIM2Or6Tr2Q6G"
                + "rlAnQk01kuVwXtuV9z+4gijWouYzyI2Dh4JB6SIKizw81wP5I9nUcTsgdVFEZTWoeDNwNq6WT5QdERLvo7bOqitgcKn5TAF6"
                + "a1DteZLrjqQv2sQaOE7oE31HXa4+gA3jDpJ5t7Sf+Xqj4UkDcLubBrpmoM90Y9oFso/F2IDWMyPhZINBOOcEfX3y3aDOtXfQ"
                + "JZZ5H1KJo/D7yqf0lZnE+5swggFCBgkqhkiG9w0BBwGgggEzBIIBLzCCASswggEnBgsqhkiG9w0BDAoBAqCB8DCB7TBYBgkq"
                + "hkiG9w0BBQ0wSzAqBgkqhkiG9w0BBQwwHQQISzjq3UqsfVkCAx6EgDAMBggqhkiG9w0CCQUAMB0GCWCGSAFlAwQBKgQQhPbm"
                + "WXOu7LwAc2dDvRwmWgSBkL8OKx3eHoMLnaeEB//IfjDgspNRn7+m+Z87dV36bTcRo7uVBaoprVSYRXaqs5jFUSfAJmzAGoUZ"
                + "RZwpHOWmTBHzGOR4Hm2sERz49O3qCOpNph1Oh3CIJNtha0pUxREq1g+joKra+T+YIzDzXAEj1FnAV1Kpbu9uoJyg4QHq7lWO"
                + "y/JYzUkU9rQWq7mYOXIMhzElMCMGCSqGSIb3DQEJFTEWBBQC0his1Bo39OtuMH+DvskwDeffsDBCMDEwDQYJYIZIAWUDBAIB"
                + "BQAEIABT6+q1kDbmlvNA7GH3L8jCxg+QZRC4gVTV+dGKON0RBAh+5oNUw7ls3wIDHoSA"
        ) ?? Data()
    )

    /// Symbolic links put in /configuration before every entry (name → target).
    static let links: [String: String] = ["link.xml": "/etc/passwd"]

    /// FIFOs made in /configuration before every entry.
    static let fifos = ["fifo.xml"]

    static let longMarks = "a" + String(repeating: "\u{301}", count: 600)

    static let commitUsage =
        "Usage: commit \"{comment}\" | commit --check | commit --confirm {minutes} [\"{comment}\"] | commit confirm"
    static let certconfigUsage =
        "Usage: certconfig list | certconfig print | certconfig expiring [{days}]"
    static let interfaceUsage = """
        Usage:
          interfaceconfig new {name} {address}/{prefix} {hostname} [--https_certificate={profile}]
          interfaceconfig edit {name} [--address=…] [--hostname=…] [--https={on|off}] [--https_certificate={profile}]
          interfaceconfig delete {name}
          interfaceconfig list
        """
    static let alertUsage = """
        Usage:
          alertconfig new {address} --class={name|all} --severity={critical|warning|information|all}
          alertconfig delete {address}
          alertconfig list
        """
    static let webUsage =
        "Usage: websecurityconfig [--enable={yes|no}] [--tracking={yes|no}] [--certificate={profile|provided}]"
    static let longComment = String(repeating: "c", count: 256)
    static let longLine = "sethostname " + String(repeating: "a", count: 70_000) + ".example.com"

    static func entry(
        _ id: Int,
        _ command: String,
        _ badInput: String,
        _ input: String,
        prefix: String = "",
        via channel: BadInputChannel = .shell,
        setup: String = "",
        user: String? = nil,
        line: Int,
        _ message: String,
        _ status: Int32
    ) -> BadInputEntry {
        BadInputEntry(
            id: id,
            command: command,
            badInput: badInput,
            channel: channel,
            prefix: prefix,
            input: Array(input.utf8),
            line: line,
            message: message,
            status: status,
            setup: setup,
            user: user
        )
    }

    /// Appliance users for the entries of userconfig, passwd and sshconfig that need them (setup
    /// lines): `alice`, Administrator, and `rita`, Read-Only Operator, both with passphrase
    /// `Xq7-mK2-pL9`.
    static let users = """
        userconfig add alice "Alice Example" admin Xq7-mK2-pL9
        userconfig add rita "Rita Example" readonly Xq7-mK2-pL9

        """

    /// The users, and the factory `admin` locked: `alice` is the last available Administrator.
    static let lastAdministrator =
        users + """
            userconfig
            status
            admin
            2


            """

    /// The catalogue's setup with an entry's own lines before the commit.
    static func setupText(for entry: BadInputEntry) -> String {
        guard !entry.setup.isEmpty else { return setup }
        let commit = "commit \"setup\"\n"
        precondition(setup.hasSuffix(commit))
        return String(setup.dropLast(commit.count)) + entry.setup + commit
    }

    static func bytes(
        _ id: Int,
        _ command: String,
        _ badInput: String,
        _ input: [UInt8],
        line: Int,
        _ message: String,
        _ status: Int32
    ) -> BadInputEntry {
        BadInputEntry(
            id: id,
            command: command,
            badInput: badInput,
            channel: .binary,
            prefix: "",
            input: input,
            line: line,
            message: message,
            status: status
        )
    }

    static func terminal(_ id: Int, _ command: String, _ badInput: String, _ keys: String) -> BadInputEntry {
        BadInputEntry(
            id: id,
            command: command,
            badInput: badInput,
            channel: .terminal,
            prefix: "",
            input: Array(keys.utf8),
            line: nil,
            message: "",
            status: nil
        )
    }

    /// Stages a change for the commit entries (the staged-view check stages a host name on top).
    static let alertPrefix = "alertconfig new ops@example.com --class=all --severity=all\n"

    static let staged = "sethostname staged.example.com\n"

    static let entries: [BadInputEntry] = [
        // The shell itself.
        entry(
            1,
            "shell",
            "unknown command `frobnicate`",
            "frobnicate\n",
            line: 1,
            "Unknown command or missing feature key: frobnicate",
            4
        ),
        entry(
            2,
            "shell",
            "ambiguous prefix `commi`",
            "commi\n",
            line: 1,
            "Ambiguous command \"commi\": commit, commitdetail, commithistory.",
            4
        ),
        entry(
            3,
            "shell",
            "unbalanced quote",
            "sethostname \"mail.example.com\n",
            line: 1,
            "Unbalanced quotes in \"sethostname \"mail.example.com\".",
            4
        ),
        bytes(
            4,
            "shell",
            "command line not valid UTF-8 (byte FF)",
            Array("sethostname ma".utf8) + [0xFF] + Array("il.example.com\n".utf8),
            line: 1,
            "Invalid input: the line is not valid UTF-8 text.",
            4
        ),
        bytes(
            5,
            "shell",
            "NUL byte in a command line",
            Array("version".utf8) + [0x00] + [0x0A],
            line: 1,
            "Invalid input: the line is not valid UTF-8 text.",
            4
        ),
        bytes(
            6,
            "shell",
            "a 70,000-byte line (limit 64 KiB)",
            Array((longLine + "\n").utf8),
            line: 1,
            "Input too long.",
            4
        ),
        bytes(
            7,
            "sethostname",
            "answer not valid UTF-8 (byte FE)",
            Array("sethostname\nmail".utf8) + [0xFE] + Array(".example.com\n".utf8),
            line: 2,
            "Invalid input: the line is not valid UTF-8 text.",
            4
        ),
        bytes(
            8,
            "certconfig",
            "input ends in the middle of a PASTE",
            Array("certconfig\ncertificate\npaste\np2\n-----BEGIN CERTIFICATE-----\n".utf8),
            line: 5,
            "input ended during a dialog",
            2
        ),
        terminal(9, "commit", "Ctrl-C while typing the comment", "commit⏎ half a comment ^C"),
        terminal(
            10,
            "certconfig",
            "Ctrl-C in the middle of a PASTE",
            "certconfig⏎ certificate⏎ paste⏎ p2⏎ -----BEGIN⏎ ^C"
        ),
        // sethostname
        entry(
            11,
            "sethostname",
            "not fully qualified: `foo`",
            "sethostname foo\n",
            line: 1,
            "Invalid hostname \"foo\". Enter a fully qualified host name, such as mail.example.com.",
            4
        ),
        entry(
            12,
            "sethostname",
            "two arguments",
            "sethostname a.example.com b\n",
            line: 1,
            "Usage: sethostname {fqdn}\nUnexpected argument \"b\".",
            4
        ),
        entry(
            13,
            "sethostname",
            "label starting with a hyphen, in the dialog",
            "sethostname\n-bad-.example.com\n",
            line: 2,
            "Invalid hostname \"-bad-.example.com\". Enter a fully qualified host name, such as mail.example.com.",
            4
        ),
        entry(
            14,
            "sethostname",
            "input ends at the question (piped)",
            "sethostname\n",
            line: 1,
            "input ended during a dialog",
            2
        ),
        // commit
        entry(
            15,
            "commit",
            "confirmation time 0",
            "commit --confirm 0\n",
            prefix: alertPrefix,
            line: 2,
            commitUsage + "\nThe confirmation time must be a number of minutes from 1 to 60, not \"0\".",
            4
        ),
        entry(
            16,
            "commit",
            "confirmation time not a number",
            "commit --confirm soon\n",
            prefix: alertPrefix,
            line: 2,
            commitUsage + "\nThe confirmation time must be a number of minutes from 1 to 60, not \"soon\".",
            4
        ),
        entry(
            17,
            "commit",
            "unknown option `--frob`",
            "commit --frob\n",
            prefix: alertPrefix,
            line: 2,
            commitUsage + "\nUnknown option \"--frob\".",
            4
        ),
        entry(
            18,
            "commit",
            "two unquoted comment words",
            "commit new host\n",
            prefix: alertPrefix,
            line: 2,
            commitUsage + "\nPut the comment in quotes: commit \"{comment}\".",
            4
        ),
        entry(
            19,
            "commit",
            "`commit confirm` with no commit waiting",
            "commit confirm\n",
            line: 1,
            "There is no commit waiting for confirmation.",
            3
        ),
        entry(
            20,
            "commit",
            "a 256-character comment",
            "commit\n\(longComment)\n",
            prefix: alertPrefix,
            line: 3,
            "The comment must be at most 255 characters.",
            4
        ),
        // clearchanges, rollbackconfig, diffconfig, commithistory
        entry(
            21,
            "clearchanges",
            "an argument",
            "clearchanges now\n",
            line: 1,
            "Usage: clearchanges\nUnexpected argument \"now\".",
            4
        ),
        entry(
            22,
            "rollbackconfig",
            "revision that does not exist",
            "rollbackconfig 99\n",
            line: 1,
            "Revision 99 does not exist or is no longer kept.",
            3
        ),
        entry(
            23,
            "rollbackconfig",
            "revision not a number",
            "rollbackconfig last\n",
            line: 1,
            "Usage: rollbackconfig {revision} [--discard]\nNot a revision number: \"last\".",
            4
        ),
        entry(
            24,
            "rollbackconfig",
            "two revisions",
            "rollbackconfig 1 2\n",
            line: 1,
            "Usage: rollbackconfig {revision} [--discard]\nUnexpected argument \"2\".",
            4
        ),
        entry(
            25,
            "diffconfig",
            "revision that does not exist",
            "diffconfig 1 99\n",
            line: 1,
            "Revision 99 does not exist or is no longer kept.",
            3
        ),
        entry(
            26,
            "diffconfig",
            "revision not a number",
            "diffconfig first\n",
            line: 1,
            "Usage: diffconfig {revision} [{revision}]\nNot a revision number: \"first\".",
            4
        ),
        entry(
            27,
            "commithistory",
            "count out of range",
            "commithistory 1001\n",
            line: 1,
            "Usage: commithistory [{count}]\nThe count must be a number from 1 to 1000, not \"1001\".",
            4
        ),
        entry(
            28,
            "commithistory",
            "count not a number",
            "commithistory all\n",
            line: 1,
            "Usage: commithistory [{count}]\nThe count must be a number from 1 to 1000, not \"all\".",
            4
        ),
        entry(
            29,
            "commithistory",
            "two counts",
            "commithistory 5 6\n",
            line: 1,
            "Usage: commithistory [{count}]\nUnexpected argument \"6\".",
            4
        ),
        // showconfig, saveconfig, loadconfig
        entry(
            30,
            "showconfig",
            "passphrase option 3",
            "showconfig 3\n",
            line: 1,
            "Usage: showconfig {1|2}\nThe passphrase option must be 1 (mask) or 2 (encrypt), not \"3\".",
            4
        ),
        entry(
            31,
            "showconfig",
            "passphrase menu answer 3",
            "showconfig\n3\n",
            line: 2,
            "Please enter a number from 1 to 2.",
            4
        ),
        entry(
            32,
            "saveconfig",
            "passphrase option 0",
            "saveconfig 0\n",
            line: 1,
            "Usage: saveconfig {1|2}\nThe passphrase option must be 1 (mask) or 2 (encrypt), not \"0\".",
            4
        ),
        entry(
            33,
            "loadconfig",
            "file that does not exist",
            "loadconfig missing.xml\n",
            line: 1,
            "Error: file 'missing.xml' does not exist.",
            3
        ),
        entry(
            34,
            "loadconfig",
            "path outside /configuration",
            "loadconfig ../etc/passwd\n",
            line: 1,
            "Invalid file name: \"../etc/passwd\". Only a file name in /configuration is allowed.",
            4
        ),
        entry(
            35,
            "loadconfig",
            "XML cut off inside `<config>`",
            "loadconfig broken.xml\n",
            line: 1,
            "Error: line 2: the file ends before the end of <config> (opened on line 1)",
            3
        ),
        entry(
            36,
            "loadconfig",
            "a text file that is not XML",
            "loadconfig notes.xml\n",
            line: 1,
            "Error: line 1: the file is not XML: it does not start with a tag",
            3
        ),
        // certconfig
        entry(
            37,
            "certconfig",
            "IMPORT: profile name with a space",
            "certconfig\ncertificate\nimport\nmy cert\n",
            line: 4,
            "Symbols are not allowed in the profile name.",
            4
        ),
        entry(
            38,
            "certconfig",
            "IMPORT: a file that is not PKCS#12",
            "certconfig\ncertificate\nimport\np2\njunk.pfx\nn\nsecret\n",
            line: 7,
            "Invalid pass phrase or corrupt PKCS#12 file.",
            3
        ),
        entry(
            39,
            "certconfig",
            "IMPORT: wrong passphrase",
            "certconfig\ncertificate\nimport\np2\ndemo.pfx\nn\nwrong\n",
            line: 7,
            "Invalid pass phrase or corrupt PKCS#12 file.",
            3
        ),
        entry(
            40,
            "certconfig",
            "PASTE: text that is not PEM",
            "certconfig\ncertificate\npaste\np2\nhello\n.\n",
            line: 6,
            "The certificate is not in PEM format.",
            3
        ),
        entry(
            41,
            "certconfig",
            "DELETE: a profile LDAP uses",
            "certconfig\ncertificate\ndelete\n2\n",
            line: 4,
            "The certificate profile \"p1\" is in use and cannot be deleted. It is used by:\n    LDAP",
            3
        ),
        entry(
            42,
            "certconfig",
            "DELETE: the Demo profile",
            "certconfig\ncertificate\ndelete\n1\n",
            line: 4,
            "The Demo certificate cannot be deleted.",
            3
        ),
        entry(
            43,
            "certconfig",
            "DELETE: number out of the list",
            "certconfig\ncertificate\ndelete\n9\n",
            line: 4,
            "Please enter a number from 1 to 2.",
            4
        ),
        entry(
            44,
            "certconfig",
            "unknown operation at the CERTIFICATE menu",
            "certconfig\ncertificate\nfrob\n",
            line: 3,
            "Invalid operation \"frob\".",
            4
        ),
        entry(
            45,
            "certconfig",
            "EXPORT: passphrases differ",
            "certconfig\ncertificate\nexport\n2\nout.pfx\none\ntwo\n",
            line: 7,
            "Passphrases do not match.",
            4
        ),
        entry(
            46,
            "certconfig",
            "EXPORT: path outside /configuration",
            "certconfig\ncertificate\nexport\n1\n../x.pfx\n",
            line: 5,
            "Invalid file name: \"../x.pfx\". Only a file name in /configuration is allowed.",
            4
        ),
        entry(
            47,
            "certconfig",
            "NEW: three-letter country code",
            "certconfig\ncertificate\nnew\np3\nmail.example.com\nOrg\nUnit\nCity\nState\nUSA\n",
            line: 10,
            "The country code must be two letters.",
            4
        ),
        entry(
            48,
            "certconfig",
            "NEW: validity 0 days",
            "certconfig\ncertificate\nnew\np3\nmail.example.com\nOrg\nUnit\nCity\nState\nUS\n0\n",
            line: 11,
            "Please enter a number from 1 to 3650.",
            4
        ),
        entry(
            49,
            "certconfig",
            "EDIT: unknown operation",
            "certconfig\ncertificate\nedit\n2\nfrob\n",
            line: 5,
            "Invalid operation \"frob\".",
            4
        ),
        entry(
            50,
            "certconfig",
            "CERTAUTHORITY: custom list import of a bad PEM",
            "certconfig\ncertauthority\ncustom\nimport\nbad.pem\ny\n",
            line: 6,
            "No certificate authority found in \"bad.pem\".",
            3
        ),
        entry(
            51,
            "certconfig",
            "CRL: a file that is no CRL",
            "certconfig\ncrl\nnew\nbad.pem\n",
            line: 4,
            "The file \"bad.pem\" does not hold a certificate revocation list (PEM or DER).",
            3
        ),
        entry(
            52,
            "certconfig",
            "`expiring` with a negative number",
            "certconfig expiring -1\n",
            line: 1,
            certconfigUsage + "\nThe number of days must be a number from 0 to 36500.",
            4
        ),
        entry(
            53,
            "certconfig",
            "unknown subcommand",
            "certconfig frob\n",
            line: 1,
            certconfigUsage + "\nUnknown subcommand \"frob\".",
            4
        ),
        // destconfig
        entry(
            54,
            "destconfig",
            "`--tls` value out of the list",
            "destconfig new example.com --tls=7\n",
            line: 1,
            "Usage: destconfig new {domain} [options]\n--tls must be one of {off|on|require|on_verify|require_verify}, not \"7\".",
            4
        ),
        entry(
            55,
            "destconfig",
            "delete an unknown domain",
            "destconfig delete nope.example.com\n",
            line: 1,
            "No entry found for \"nope.example.com\".",
            3
        ),
        entry(
            56,
            "destconfig",
            "INI import: unclosed section header",
            "destconfig import bad.ini\n",
            line: 1,
            "Error: line 1: a section header must end with \"]\"",
            3
        ),
        entry(
            57,
            "destconfig",
            "domain with `_` and `!`",
            "destconfig new bad_domain!\n",
            line: 1,
            "Usage: destconfig new {domain} [options]\nInvalid domain name: \"bad_domain!\".",
            4
        ),
        entry(
            58,
            "destconfig",
            "NEW dialog: `frob` to a yes/no question",
            "destconfig\nnew\nexample.com\nfrob\n",
            line: 4,
            "Please answer Y or N.",
            4
        ),
        entry(
            59,
            "destconfig",
            "input ends at the domain question",
            "destconfig\nnew\n",
            line: 2,
            "input ended during a dialog",
            2
        ),
        // listenerconfig
        entry(
            60,
            "listenerconfig",
            "unknown interface",
            "listenerconfig new L2 public Nope smtp\n",
            line: 1,
            "There is no IP interface named \"Nope\".",
            3
        ),
        entry(
            61,
            "listenerconfig",
            "port 70000",
            "listenerconfig new L2 public Management smtp --port=70000\n",
            line: 1,
            "Invalid value for --port: \"70000\". Please enter a number from 1 to 65535.",
            4
        ),
        entry(
            62,
            "listenerconfig",
            "name already taken",
            "listenerconfig new IncomingMail public Management smtp\n",
            line: 1,
            "A listener named \"IncomingMail\" already exists.",
            4
        ),
        entry(
            63,
            "listenerconfig",
            "delete an unknown listener",
            "listenerconfig delete Nope\n",
            line: 1,
            "There is no listener named \"Nope\".",
            3
        ),
        entry(
            64,
            "listenerconfig",
            "unknown certificate profile",
            "listenerconfig edit IncomingMail certificate nope\n",
            line: 1,
            "Certificate profile \"nope\" does not exist.",
            3
        ),
        entry(
            65,
            "listenerconfig",
            "delete a mail flow policy in use",
            "listenerconfig edit IncomingMail hostaccess delete policy ACCEPTED\n",
            line: 1,
            "The policy \"$ACCEPTED\" is used by sender group \"UNKNOWNLIST\" and ALL.",
            3
        ),
        entry(
            66,
            "listenerconfig",
            "HAT import: a line that is no entry",
            "listenerconfig edit IncomingMail hostaccess import bad.hat\n",
            line: 1,
            "Error: line 1: invalid host \"this is not a hat line ==\"",
            3
        ),
        entry(
            67,
            "listenerconfig",
            "sender group with an unknown policy",
            "listenerconfig edit IncomingMail hostaccess new sendergroup G1 example.com --policy=NOPE\n",
            line: 1,
            "There is no policy \"$NOPE\".",
            3
        ),
        entry(
            68,
            "listenerconfig",
            "RAT action `maybe`",
            "listenerconfig edit IncomingMail rcptaccess new example.com maybe\n",
            line: 1,
            "Usage: listenerconfig edit {name} rcptaccess {new {pattern} {accept|reject} | delete {pattern} | print}\nUnknown action \"maybe\"; use accept or reject.",
            4
        ),
        entry(
            69,
            "listenerconfig",
            "HAT move to position 99",
            "listenerconfig edit IncomingMail hostaccess move WHITELIST 99\n",
            line: 1,
            "Invalid position \"99\". Please enter a number from 1 to 4.",
            4
        ),
        entry(
            70,
            "listenerconfig",
            "dialog: listener number out of the list",
            "listenerconfig\nedit\n9\n",
            line: 3,
            "Please enter a number from 1 to 2.",
            4
        ),
        entry(
            71,
            "listenerconfig",
            "protocol QMQP",
            "listenerconfig new L2 public Management qmqp\n",
            line: 1,
            "QMQP is not supported.",
            4
        ),
        // interfaceconfig
        entry(
            72,
            "interfaceconfig",
            "delete an interface a listener uses",
            "interfaceconfig delete Data1\n",
            line: 1,
            "The interface \"Data1\" is used by listener \"Out1\".",
            3
        ),
        entry(
            73,
            "interfaceconfig",
            "delete an unknown interface",
            "interfaceconfig delete Nope\n",
            line: 1,
            "The interface \"Nope\" does not exist.",
            3
        ),
        entry(
            74,
            "interfaceconfig",
            "address 10.0.0.300",
            "interfaceconfig new Data2 10.0.0.300/24 d2.example.com\n",
            line: 1,
            "Invalid IPv4 address \"10.0.0.300\". Enter an address such as 192.168.1.2.",
            4
        ),
        entry(
            75,
            "interfaceconfig",
            "address without prefix",
            "interfaceconfig new Data2 10.0.0.3 d2.example.com\n",
            line: 1,
            "The address \"10.0.0.3\" needs its prefix, such as 192.168.1.2/24.",
            4
        ),
        entry(
            76,
            "interfaceconfig",
            "`--https=maybe`",
            "interfaceconfig edit Management --https=maybe\n",
            line: 1,
            interfaceUsage + "\nThe option \"--https\" takes on or off, not \"maybe\".",
            4
        ),
        entry(
            77,
            "interfaceconfig",
            "unknown HTTPS certificate profile",
            "interfaceconfig edit Management --https_certificate=nope\n",
            line: 1,
            "Certificate profile \"nope\" does not exist.",
            3
        ),
        // ldapconfig, websecurityconfig
        entry(
            78,
            "ldapconfig",
            "unknown certificate profile",
            "ldapconfig setup --certificate=nope\n",
            line: 1,
            "Certificate profile \"nope\" does not exist.",
            3
        ),
        entry(
            79,
            "ldapconfig",
            "`setup` without `--certificate`",
            "ldapconfig setup\n",
            line: 1,
            "Usage: ldapconfig setup --certificate={profile}\nThe option \"--certificate\" is required.",
            4
        ),
        entry(
            80,
            "websecurityconfig",
            "`--enable=maybe`",
            "websecurityconfig --enable=maybe\n",
            line: 1,
            webUsage + "\nThe option \"--enable\" takes yes or no, not \"maybe\".",
            4
        ),
        entry(
            81,
            "websecurityconfig",
            "unknown certificate profile",
            "websecurityconfig --enable=yes --certificate=nope\n",
            line: 1,
            "Certificate profile \"nope\" does not exist.",
            3
        ),
        // alertconfig
        entry(
            82,
            "alertconfig",
            "unknown alert class",
            "alertconfig new admin@example.com --class=frob --severity=all\n",
            line: 1,
            alertUsage
                + "\nUnknown alert class \"frob\". Use one of \"All\", \"System\", \"Hardware\", \"Updater\", \"Outbreak Filters\", \"Anti-Virus\", \"Anti-Spam\", \"Directory Harvest Attack Prevention\".",
            4
        ),
        entry(
            83,
            "alertconfig",
            "unknown severity",
            "alertconfig new a@example.com --class=all --severity=loud\n",
            line: 1,
            alertUsage + "\nUnknown severity \"loud\". Use critical, warning, information or all.",
            4
        ),
        entry(
            84,
            "alertconfig",
            "not an email address",
            "alertconfig new not-an-address --class=all --severity=all\n",
            line: 1,
            "Invalid email address \"not-an-address\". Enter an address such as administrator@example.com.",
            4
        ),
        entry(
            85,
            "alertconfig",
            "delete an address that gets no alerts",
            "alertconfig delete x@example.com\n",
            line: 1,
            "The address \"x@example.com\" does not receive alerts.",
            3
        ),
        // Issue 10: control characters, limits, files that are not what they seem.
        entry(
            86,
            "shell",
            "ESC (a terminal escape) in a command line",
            "sethostname a\u{1b}]0;owned\u{7}.example.com\n",
            line: 1,
            "Invalid input: the line holds a control character.",
            4
        ),
        entry(
            87,
            "commit",
            "a CR in the comment typed in the dialog",
            "commit\nfixed\rforged line\n",
            prefix: alertPrefix,
            line: 3,
            "Invalid input: the line holds a control character.",
            4
        ),
        entry(
            88,
            "commit",
            "one character of 1,201 bytes (600 combining marks)",
            "commit \"\(longMarks)\"\n",
            prefix: alertPrefix,
            line: 2,
            "The comment must be at most 1020 bytes.",
            4
        ),
        entry(
            89,
            "loadconfig",
            "elements nested 71 levels deep",
            "loadconfig deep.xml\n",
            line: 1,
            "Error: line 1: elements are nested more than 64 levels deep",
            3
        ),
        entry(
            90,
            "loadconfig",
            "a file declaring an entity",
            "loadconfig entity.xml\n",
            line: 1,
            "Error: line 2: the entity \"host\" is declared; entities are not supported (write & as &amp;)",
            3
        ),
        entry(
            91,
            "loadconfig",
            "a symbolic link (to /etc/passwd)",
            "loadconfig link.xml\n",
            line: 1,
            "Error: file 'link.xml' is a symbolic link; only regular files in /configuration are read.",
            3
        ),
        entry(
            92,
            "loadconfig",
            "a FIFO",
            "loadconfig fifo.xml\n",
            line: 1,
            "Error: file 'fifo.xml' is not a regular file (a device, FIFO or socket); only regular files are read.",
            3
        ),
        entry(
            93,
            "destconfig",
            "batch export to a file that exists",
            "destconfig export bad.ini\n",
            line: 1,
            "The file \"bad.ini\" already exists in /configuration; export to another name or delete it first.",
            3
        ),
        entry(
            94,
            "tail",
            "a log that does not exist",
            "tail maillogs\n",
            line: 1,
            "Unable to tail maillogs: no such log (mail_logs, system_logs, cli_logs).",
            3
        ),
        entry(
            95,
            "tail",
            "the mail log before esa serve ever ran",
            "tail mail_logs\n",
            line: 1,
            "Unable to tail mail_logs: the mail gateway has not written it yet (start it with \"esa serve\").",
            3
        ),
        entry(
            96,
            "grep",
            "an invalid regular expression",
            "grep -e \"(unclosed\" mail_logs\n",
            line: 1,
            "Unable to grep mail_logs: \"(unclosed\" is not a valid regular expression.",
            3
        ),
        entry(
            97,
            "grep",
            "no regular expression",
            "grep -i\n",
            line: 1,
            "Usage: grep -e {regexp} [-c] [-C {n}] [-i] [-t] {log} | grep [-i] \"{regexp}\" {log}\nMissing {regexp}.",
            4
        ),
        entry(
            98,
            "tlslogconfig",
            "a word other than on or off",
            "tlslogconfig yes\n",
            line: 1,
            "Usage: tlslogconfig [on|off]\nPlease enter \"on\" or \"off\", not \"yes\".",
            4
        ),
        entry(
            99,
            "certconfig",
            "IMPORT: a PKCS#12 file asking for 2,000,000 iterations",
            "certconfig\ncertificate\nimport\np2\nslow.pfx\nn\npw\n",
            line: 7,
            "The PKCS#12 file asks for 2000000 key derivation iterations; at most 1000000 are accepted. Re-export it with fewer.",
            3
        ),
        entry(
            100,
            "interfaceconfig",
            "IPv6 loopback with prefix 200",
            "interfaceconfig new Data2 ::1/200 d2.example.com\n",
            line: 1,
            "Invalid prefix length \"200\". Enter a number from 1 to 128.",
            4
        ),
        entry(
            101,
            "status",
            "esa serve is not running",
            "status\n",
            line: 1,
            "The mail gateway is not running (start it with \"esa serve\").",
            3
        ),
        entry(
            102,
            "delivernow",
            "a domain that is no DNS name",
            "delivernow exa_mple..com\n",
            line: 1,
            "Usage: delivernow {domain|all}\nInvalid domain name: \"exa_mple..com\".",
            4
        ),
        entry(
            103,
            "hoststatus",
            "an option instead of a domain",
            "hoststatus -x\n",
            line: 1,
            "Usage: hoststatus {domain}\nInvalid domain name: \"-x\".",
            4
        ),
        entry(
            104,
            "tlsverify",
            "a port out of range",
            "tlsverify example.com mx.example.com:99999\n",
            line: 1,
            "Usage: tlsverify {domain} [{host}[:{port}]]\nInvalid port in \"mx.example.com:99999\": use a number from 1 to 65535.",
            4
        ),
        entry(
            105,
            "mailconfig",
            "an address with two @",
            "mailconfig admin@@example.com\n",
            line: 1,
            "Usage: mailconfig {addresses} [{1|2}]\nInvalid email address: \"admin@@example.com\".",
            4
        ),
        entry(
            106,
            "sshconfig",
            "a public key whose data is not base64",
            "sshconfig userkey new admin \"ssh-ed25519 AAAAnotbase64\"\n",
            line: 1,
            "SSH key does not appear to be valid.",
            4
        ),
        entry(
            107,
            "sshconfig",
            "a key for a user who does not exist",
            "sshconfig userkey new nobody \"ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIOMqqnkVzrm0SdG6UOoqKLsabgH5C9okWi0dh2l9GKJl\"\n",
            line: 1,
            "There is no user \"nobody\".",
            3
        ),
        entry(
            108,
            "sshconfig",
            "a key whose type word does not match its data",
            "sshconfig userkey new admin \"ssh-rsa AAAAC3NzaC1lZDI1NTE5AAAAIOMqqnkVzrm0SdG6UOoqKLsabgH5C9okWi0dh2l9GKJl\"\n",
            line: 1,
            "SSH key does not appear to be valid. The key's type does not match its data.",
            4
        ),
        entry(
            109,
            "sshconfig",
            "an RSA key of 1024 bits",
            "sshconfig userkey new admin \"ssh-rsa AAAAB3NzaC1yc2EAAAADAQABAAAAgQDZtoMr8Kpi8gH4xp3V8Np4GCLbDFJPs3yaOMlB6qvOEKRzPWrHcvnUVf1l0tmrYwEcvyly4LsiMzruCk32fXZc5QhodQBi9xWoMcBdHd5e5h9mact6/GTV1oGRDyFuRxVp8U6q7yRHg0mEnw5kWf1/JkxFSgdkLU69/2QbCefnWQ==\"\n",
            line: 1,
            "SSH key does not appear to be valid. RSA keys need at least 2048 bits.",
            4
        ),
        entry(
            110,
            "sshconfig",
            "a DSA key",
            "sshconfig userkey new admin \"ssh-dss AAAAB3NzaC1kc3MAAAACAAE=\"\n",
            line: 1,
            "SSH key does not appear to be valid. Use an ed25519, ECDSA or RSA (2048 bits or more) key, not ssh-dss.",
            4
        ),
        entry(
            111,
            "sshconfig",
            "a key the user has already",
            "sshconfig userkey new admin \"ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIOMqqnkVzrm0SdG6UOoqKLsabgH5C9okWi0dh2l9GKJl ops@laptop\"\n",
            prefix:
                "sshconfig userkey new admin \"ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIOMqqnkVzrm0SdG6UOoqKLsabgH5C9okWi0dh2l9GKJl ops@laptop\"\n",
            line: 2,
            "This key is already installed for admin.",
            3
        ),
        entry(
            112,
            "sshconfig",
            "`userkey new` without the key",
            "sshconfig userkey new admin\n",
            line: 1,
            "Usage: sshconfig userkey new {user} \"{public key}\"\nMissing the public key.",
            4
        ),
        entry(
            113,
            "sshconfig",
            "`userkey delete` for a user without keys",
            "sshconfig userkey delete admin 1\n",
            line: 1,
            "No keys are installed for admin.",
            3
        ),
        entry(
            114,
            "sshconfig",
            "`userkey delete` of a key number the user does not have",
            "sshconfig userkey delete admin 2\n",
            prefix:
                "sshconfig userkey new admin \"ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIOMqqnkVzrm0SdG6UOoqKLsabgH5C9okWi0dh2l9GKJl ops@laptop\"\n",
            line: 2,
            "There is no key 2 for admin.",
            3
        ),
        entry(
            115,
            "sshconfig",
            "`userkey delete` with a word for the key number",
            "sshconfig userkey delete admin first\n",
            line: 1,
            "Usage: sshconfig userkey delete {user} {n}\nNot a key number: \"first\".",
            4
        ),
        entry(
            116,
            "sshconfig",
            "USERKEY NEW: a pasted key that is not valid",
            "sshconfig\nuserkey\nnew\nssh-ed25519 AAAAnotbase64\n\n",
            line: 5,
            "SSH key does not appear to be valid.",
            4
        ),
        entry(
            117,
            "sshconfig",
            "USERKEY DELETE: the user has no keys",
            "sshconfig\nuserkey\ndelete\n",
            line: 3,
            "No keys are installed for admin.",
            3
        ),
        entry(
            118,
            "sshconfig",
            "USERKEY PRINT: the user has no keys",
            "sshconfig\nuserkey\nprint\n",
            line: 3,
            "No keys are installed for admin.",
            3
        ),
        entry(
            119,
            "sshconfig",
            "USERKEY DELETE: a key number out of range",
            "sshconfig\nuserkey\ndelete\n5\n",
            prefix:
                "sshconfig userkey new admin \"ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIOMqqnkVzrm0SdG6UOoqKLsabgH5C9okWi0dh2l9GKJl ops@laptop\"\n",
            line: 5,
            "Please enter a number from 1 to 1.",
            4
        ),
        entry(
            120,
            "sshconfig",
            "a Read-Only Operator (`esa --user rita`)",
            "sshconfig\n",
            setup: users,
            user: "rita",
            line: 1,
            "You are not in the correct access group to use this command.",
            3
        ),
        entry(
            121,
            "userconfig",
            "`add` with a user name in capitals",
            "userconfig add Bob \"Bob Example\" operator Xq7-mK2-pL9\n",
            line: 1,
            "Invalid user name \"Bob\": use lower-case letters, digits, \"_\", \".\" and \"-\", starting with a letter, at most 32 characters.",
            4
        ),
        entry(
            122,
            "userconfig",
            "`add` of a user that exists",
            "userconfig add admin \"Admin\" operator Xq7-mK2-pL9\n",
            line: 1,
            "User admin already exists.",
            4
        ),
        entry(
            123,
            "userconfig",
            "`add` with a full name of 129 characters",
            "userconfig add bob \"BBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBB\" operator Xq7-mK2-pL9\n",
            line: 1,
            "Invalid full name: at most 128 characters, no quotes or control characters.",
            4
        ),
        entry(
            124,
            "userconfig",
            "`add` with an unknown role",
            "userconfig add bob \"Bob Example\" boss Xq7-mK2-pL9\n",
            line: 1,
            "Usage: userconfig add {user} {full name} {role} [{passphrase}] | userconfig new {user} [{full name}] {role} | userconfig delete {user} | userconfig list\nUnknown role \"boss\": use admin, operator, readonly or guest.",
            4
        ),
        entry(
            125,
            "userconfig",
            "`add` with a passphrase of 4 characters",
            "userconfig add bob \"Bob Example\" operator Ab-1\n",
            line: 1,
            "The passphrase must be at least 8 characters long.",
            4
        ),
        entry(
            126,
            "userconfig",
            "`add` with a passphrase holding `aaa`",
            "userconfig add bob \"Bob Example\" operator Xq7-aaa-pL9\n",
            line: 1,
            "The passphrase must not contain three or more repetitive or sequential characters.",
            4
        ),
        entry(
            127,
            "userconfig",
            "`add` with the user name inside the passphrase",
            "userconfig add bobby \"Bob Example\" operator Q7-bobby-x9\n",
            line: 1,
            "The passphrase must not be a username or one of its variations.",
            4
        ),
        entry(
            128,
            "userconfig",
            "`add` asking the passphrase: the two differ",
            "userconfig add bob \"Bob Example\" operator\nXq7-mK2-pL9\nXq7-mK2-pL8\n",
            line: 3,
            "The passphrases do not match.",
            4
        ),
        entry(
            129,
            "userconfig",
            "`delete` of a user who does not exist",
            "userconfig delete nobody\n",
            line: 1,
            "There is no user \"nobody\".",
            3
        ),
        entry(
            130,
            "userconfig",
            "`delete` of the factory admin",
            "userconfig delete admin\n",
            line: 1,
            "User admin cannot be deleted.",
            3
        ),
        entry(
            131,
            "userconfig",
            "`delete` of oneself (`esa --user alice`)",
            "userconfig delete alice\n",
            setup: users,
            user: "alice",
            line: 1,
            "You cannot delete yourself.",
            3
        ),
        entry(
            132,
            "userconfig",
            "DELETE of the last available Administrator",
            "userconfig\ndelete\nalice\n",
            setup: lastAdministrator,
            line: 3,
            "The last Administrator cannot be deleted.",
            3
        ),
        entry(
            133,
            "userconfig",
            "an unknown subcommand",
            "userconfig frob\n",
            line: 1,
            "Usage: userconfig add {user} {full name} {role} [{passphrase}] | userconfig new {user} [{full name}] {role} | userconfig delete {user} | userconfig list\nUnknown subcommand \"frob\".",
            4
        ),
        entry(
            134,
            "userconfig",
            "NEW: a user name with a space",
            "userconfig\nnew\nbob smith\n",
            line: 3,
            "Invalid user name \"bob smith\": use lower-case letters, digits, \"_\", \".\" and \"-\", starting with a letter, at most 32 characters.",
            4
        ),
        entry(
            135,
            "userconfig",
            "NEW: a full name with quotes",
            "userconfig\nnew\nbob\nBob \"the\" Builder\n",
            line: 4,
            "Invalid full name: at most 128 characters, no quotes or control characters.",
            4
        ),
        entry(
            136,
            "userconfig",
            "NEW: an empty passphrase",
            "userconfig\nnew\nbob\nBob Example\n2\nn\n\n",
            line: 7,
            "A passphrase is required.",
            4
        ),
        entry(
            137,
            "userconfig",
            "NEW: a wrong passphrase of one's own (`esa --user alice`)",
            "userconfig\nnew\nwrong-passphrase\n",
            setup: users,
            user: "alice",
            line: 3,
            "Incorrect passphrase.",
            3
        ),
        entry(
            138,
            "userconfig",
            "EDIT of the factory admin",
            "userconfig\nedit\nadmin\n",
            line: 3,
            "User admin cannot be modified.",
            3
        ),
        entry(
            139,
            "userconfig",
            "EDIT of a user who does not exist",
            "userconfig\nedit\nnobody\n",
            line: 3,
            "There is no user \"nobody\".",
            4
        ),
        entry(
            140,
            "userconfig",
            "EDIT: the last available Administrator made an Operator",
            "userconfig\nedit\nalice\n\n2\n",
            setup: lastAdministrator,
            line: 5,
            "The last Administrator cannot be given another role.",
            3
        ),
        entry(
            141,
            "userconfig",
            "STATUS: locking oneself (`esa --user alice`)",
            "userconfig\nstatus\nalice\nXq7-mK2-pL9\n2\n",
            setup: users,
            user: "alice",
            line: 5,
            "You cannot lock yourself.",
            3
        ),
        entry(
            142,
            "userconfig",
            "STATUS: locking the last available Administrator",
            "userconfig\nstatus\nalice\n2\n",
            setup: lastAdministrator,
            line: 4,
            "The last Administrator cannot be locked.",
            3
        ),
        entry(
            143,
            "passwd",
            "the local operator (no `--user`)",
            "passwd\n",
            line: 1,
            "passwd changes the passphrase of the appliance user of the session (esa --user NAME); use userconfig PASSPHRASE to set another user's.",
            3
        ),
        entry(
            144,
            "passwd",
            "a wrong old passphrase (`esa --user alice`)",
            "passwd\nnot-the-passphrase\n",
            setup: users,
            user: "alice",
            line: 2,
            "Old passphrase did not match.",
            3
        ),
        entry(
            145,
            "passwd",
            "a new passphrase of 5 characters",
            "passwd\nXq7-mK2-pL9\nn\nFr-42\n",
            setup: users,
            user: "alice",
            line: 4,
            "The passphrase must be at least 8 characters long.",
            4
        ),
        entry(
            146,
            "passwd",
            "the new passphrase typed differently",
            "passwd\nXq7-mK2-pL9\nn\nFresh-42-Gate\nFresh-42-Gat\n",
            setup: users,
            user: "alice",
            line: 5,
            "The passphrases do not match.",
            4
        ),
        entry(
            147,
            "passwd",
            "an empty new passphrase",
            "passwd\nXq7-mK2-pL9\nn\n\n",
            setup: users,
            user: "alice",
            line: 4,
            "A passphrase is required.",
            4
        ),
        entry(
            148,
            "shell",
            "any command but passwd as the factory admin before the change",
            "sethostname mail.example.com\n",
            user: "admin",
            line: 1,
            "You must change the default passphrase before using this command. Use the passwd command.",
            3
        ),
    ]

    // MARK: The table of Docs/Errors.md

    /// One table cell: `|` escaped, text in code spans, lines joined with `<br>`.
    static func cell(code text: String) -> String {
        text.split(separator: "\n", omittingEmptySubsequences: false)
            .map { "`" + $0.replacingOccurrences(of: "|", with: "\\|") + "`" }
            .joined(separator: "<br>")
    }

    /// The row of `entry` in Docs/Errors.md.
    static func row(_ entry: BadInputEntry) -> String {
        let message: String
        let status: String
        if let line = entry.line, let code = entry.status {
            message = cell(code: "line \(line): \(entry.message)")
            status = String(code)
        } else {
            message = "none: the command is abandoned, back to the prompt; earlier changes stay staged"
            status = "— (terminal)"
        }
        let bad = entry.badInput.replacingOccurrences(of: "|", with: "\\|")
        return "| \(entry.id) | \(entry.command) | \(bad) | \(message) | \(status) |"
    }

    static let tableHeader = [
        "| # | command | bad input | message | exit status |",
        "|---|---|---|---|---|",
    ]
}
