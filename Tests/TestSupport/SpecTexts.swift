/// Texts of the spec that several tests compare against.
public enum SpecTexts {
    /// The policies of the factory public HAT, as listenerconfig.md §4.2 prints them.
    public static let factoryHATPolicies = """
        $ACCEPTED
            ACCEPT
        $THROTTLED
            ACCEPT {
                spam_check = "on"
                max_msgs_per_session = 10
                max_concurrency = 10
                max_rcpts_per_msg = 25
                max_rcpts_per_hour = 1
                dhap_limit = 0
                virus_check = "on"
                max_message_size = 1048576
                use_sb = "on"
                tls = "off"
            }
        $TRUSTED
            ACCEPT {
                spam_check = "off"
                max_msgs_per_session = 5000
                max_concurrency = 600
                max_rcpts_per_msg = 5000
                max_rcpts_per_hour = -1
                dhap_limit = 0
                virus_check = "on"
                max_message_size = 104857600
                use_sb = "off"
                tls = "off"
            }
        $BLOCKED
            REJECT

        """

    /// The factory public HAT (listenerconfig.md §4.2): its policies and groups, no entries.
    public static let factoryHAT =
        factoryHATPolicies + """
            WHITELIST:
                    $TRUSTED (My trusted senders have no anti-spam scanning or rate limiting)
            BLACKLIST:
                    $BLOCKED (Spammers are rejected)
            SUSPECTLIST:
                    $THROTTLED (Suspicious senders are throttled)
            UNKNOWNLIST:
                    $ACCEPTED (Reviewed but undecided, continue normal acceptance)
            ALL
                $ACCEPTED

            """
}
