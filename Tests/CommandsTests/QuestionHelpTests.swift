import ApplianceConfig
import Shell
import TestSupport
import Testing

/// `?` at every kind of question prints that question's own help (what to type, the range or
/// format, what Enter alone does) and asks the same question again; nothing is taken as the answer
/// and nothing is staged (shell.md §15.1). At a paste `?` is data, as the spec says.
@Suite struct QuestionHelpTests {
    /// A free-text question with a default, numbers with a range, a menu, a domain, a file name.
    @Test func questionMarkAtFreeTextNumberMenuAndFileNameQuestions() throws {
        let shell = try TestShell()
        let result = try shell.terminal(
            "sethostname\n?\n\nalertconfig\nsetup\n?\n\n?\n\n\ndestconfig\n?\nnew\n?\n\n\nloadconfig\n2\n?\n\nshowchanges\n"
        )
        #expect(result.status == .success, "\(result.errorOutput)")
        expectTranscript(
            result.output,
            """
            ironport.example.com> sethostname

            [ironport.example.com]> ?
            A fully qualified host name such as mail.example.com (letters, digits, hyphens and dots). Enter alone keeps "ironport.example.com".
            [ironport.example.com]> 
            ironport.example.com> alertconfig

            No alert recipients configured.

            Initial number of seconds to wait before sending a duplicate alert: 300
            Maximum number of seconds to wait before sending a duplicate alert: 3600

            Choose the operation you want to perform:
            - NEW - Add a new email address to send alerts.
            - SETUP - Configure alert settings.
            []> setup

            Enter the initial number of seconds to wait before sending a duplicate alert.
            [300]> ?
            Please enter a number from 1 to 86400.
            [300]> 

            Enter the maximum number of seconds to wait before sending a duplicate alert.
            [3600]> ?
            Please enter a number from 300 to 86400.
            [3600]> 

            No alert recipients configured.

            Initial number of seconds to wait before sending a duplicate alert: 300
            Maximum number of seconds to wait before sending a duplicate alert: 3600

            Choose the operation you want to perform:
            - NEW - Add a new email address to send alerts.
            - SETUP - Configure alert settings.
            []> 
            ironport.example.com> destconfig

            There are currently 0 entries configured.

            Choose the operation you want to perform:
            - SETUP - Change global settings.
            - NEW - Create a new entry.
            - EDIT - Modify an entry.
            - DELETE - Remove an entry.
            - DEFAULT - Change the default.
            - LIST - Display a summary list of all entries.
            - DETAIL - Display details for one destination or all entries.
            - CLEAR - Remove all entries.
            - IMPORT - Import tables from a file.
            - EXPORT - Export tables to a file.
            []> ?

            There are currently 0 entries configured.

            Choose the operation you want to perform:
            - SETUP - Change global settings.
            - NEW - Create a new entry.
            - EDIT - Modify an entry.
            - DELETE - Remove an entry.
            - DEFAULT - Change the default.
            - LIST - Display a summary list of all entries.
            - DETAIL - Display details for one destination or all entries.
            - CLEAR - Remove all entries.
            - IMPORT - Import tables from a file.
            - EXPORT - Export tables to a file.
            []> new

            Enter the domain you wish to limit.
            []> ?
            A domain with no entry yet, such as example.com or .example.com (its subdomains). Enter alone cancels the operation.
            []> 

            There are currently 0 entries configured

            Choose the operation you want to perform:
            - SETUP - Change global settings.
            - NEW - Create a new entry.
            - EDIT - Modify an entry.
            - DELETE - Remove an entry.
            - DEFAULT - Change the default.
            - LIST - Display a summary list of all entries.
            - DETAIL - Display details for one destination or all entries.
            - CLEAR - Remove all entries.
            - IMPORT - Import tables from a file.
            - EXPORT - Export tables to a file.
            []> 
            ironport.example.com> loadconfig

            This command replaces the entire configuration with the contents of a file.

            1. Paste via CLI
            2. Load from file in /configuration
            [1]> 2

            Enter the name of the file to import:
            []> ?
            The name of a file in /configuration (no folders); Tab lists the files. Enter alone cancels the operation.
            []> 
            ironport.example.com> showchanges

            There is no data to commit.
            ironport.example.com> 
            """
        )
        #expect(try shell.store.head().info.number == 1)
    }

    /// A numbered choice, a regular expression, a yes/no question; then a paste, where `?` is data.
    @Test func questionMarkAtChoiceYesNoAndPaste() throws {
        let shell = try TestShell()
        let result = try shell.terminal("grep\n?\n1\n?\nfoo\n?\nn\nn\nn\nloadconfig\n1\n?\n.\nshowchanges\n")
        expectTranscript(
            result.output,
            """
            ironport.example.com> grep

            Currently configured logs:
            1. "mail_logs" Type: "Text Mail Logs"
            2. "system_logs" Type: "Text System Logs"
            3. "cli_logs" Type: "CLI Audit Logs"
            [1]> ?
            Please enter a number from 1 to 3.
            [1]> 1

            Enter the regular expression to grep.
            []> ?
            A regular expression, such as "status=(bounced|deferred)". Enter alone cancels the operation.
            []> foo

            Do you want this search to be case insensitive? [Y]> ?
            Answer Y or N. Enter alone means Y.
            Do you want this search to be case insensitive? [Y]> n

            Do you want to tail the logs? [N]> n

            Do you want to paginate the output? [N]> n


            Unable to grep mail_logs: the mail gateway has not written it yet (start it with "esa serve").

            ironport.example.com> loadconfig

            This command replaces the entire configuration with the contents of a file.

            1. Paste via CLI
            2. Load from file in /configuration
            [1]> 1

            Paste the configuration file in XML format (end with '.'):
            ?
            .

            Error: line 1: the file is not XML: it does not start with a tag

            ironport.example.com> showchanges

            There is no data to commit.
            ironport.example.com> 
            """
        )
        #expect(try shell.store.head().info.number == 1)
    }
}
