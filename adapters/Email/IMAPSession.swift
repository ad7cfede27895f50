import CCurlShim
import Foundation

/// Where and how to reach one IMAP mailbox.
public struct IMAPMailbox: Sendable, Hashable {
    public enum Security: String, Sendable, Hashable, CaseIterable {
        /// Plain IMAP (loopback or a trusted network only).
        case none
        /// STARTTLS when the server offers it.
        case starttlsIfOffered = "starttls-if-offered"
        /// `imaps://`, or STARTTLS that must succeed.
        case required
    }

    /// A name for logs, metrics and the record's `source.adapter`.
    public var name: String
    /// `imap://host:port/` or `imaps://host:port/`, without the mailbox.
    public var serverURL: String
    /// The mailbox (folder), e.g. `INBOX`.
    public var folder: String
    public var user: String
    public var password: String
    public var security: Security
    public var verifyPeer: Bool
    /// After a message's record is committed it gets these flags (`\Seen` and a keyword by default).
    public var flagsAfterCommit: String
    /// When set, a committed message is moved to this folder.
    public var moveTo: String?
    /// When set, the session logs in with an access token from here (SASL XOAUTH2 or
    /// OAUTHBEARER) instead of `password`.
    public var oauth2: OAuth2Settings?
    /// When set, `http://[user:password@]host:port`: the HTTP proxy the server (and the token
    /// endpoint) is reached through, by a `CONNECT` tunnel; nil connects directly.
    public var proxy: String?

    public init(
        name: String, serverURL: String, folder: String, user: String, password: String,
        security: Security = .starttlsIfOffered, verifyPeer: Bool = true,
        flagsAfterCommit: String = "\\Seen $CGImported", moveTo: String? = nil
    ) {
        self.name = name
        self.serverURL = serverURL
        self.folder = folder
        self.user = user
        self.password = password
        self.security = security
        self.verifyPeer = verifyPeer
        self.flagsAfterCommit = flagsAfterCommit
        self.moveTo = moveTo
    }

    /// Splits `imap://host:port/FOLDER` into server URL and folder (default `INBOX`).
    public static func split(url: String) -> (server: String, folder: String)? {
        guard let scheme = url.range(of: "://"), url.hasPrefix("imap://") || url.hasPrefix("imaps://") else {
            return nil
        }
        let rest = url[scheme.upperBound...]
        guard let slash = rest.firstIndex(of: "/") else { return (url + "/", "INBOX") }
        let folder = String(rest[rest.index(after: slash)...]).removingPercentEncoding ?? ""
        return (String(url[..<rest.index(after: slash)]), folder.isEmpty ? "INBOX" : folder)
    }
}

/// An IMAP error with libcurl's message.
public struct IMAPError: Error, CustomStringConvertible, Sendable {
    public var description: String
    /// The response was larger than the session's limit (the transfer was aborted).
    public var tooLarge = false
    /// The server answered a fetch without the message: it was expunged after the search.
    public var notFound = false
    /// The server refused the user name and password.
    public var loginDenied = false
    /// The server could not be reached, or the connection not secured.
    public var unreachable = false
    /// The server's own answer to the failed command (`NO [TRYCREATE] Mailbox doesn't exist`).
    public var serverReply: String?
}

/// One connection to an IMAP server, through libcurl. Blocking: use it from a thread that may block.
///
/// Messages are addressed by UID, which stays valid while the mailbox's UIDVALIDITY does.
/// Unchecked Sendable: a session belongs to one poller, which makes one call at a time.
public final class IMAPSession: @unchecked Sendable {
    private let mailbox: IMAPMailbox
    private let handle: UnsafeMutableRawPointer
    /// Raised by ``cancel()`` from another thread; libcurl reads it while a request runs.
    private let cancelFlag = CancelFlag()
    /// A fetched message larger than this aborts the fetch (the message is then reported, not taken).
    public var maxMessageBytes: Int
    /// What ``capabilities()`` found, once it asked.
    private var knownCapabilities: Set<Substring>?

    /// - Parameter bearerToken: an OAuth 2.0 access token to log in with instead of the password.
    public init(
        _ mailbox: IMAPMailbox, bearerToken: String? = nil, timeoutSeconds: Int = 30, maxMessageBytes: Int = 64 << 20
    ) throws {
        self.mailbox = mailbox
        self.maxMessageBytes = maxMessageBytes
        let tls: Int32 =
            switch mailbox.security {
            case .none: 0
            case .starttlsIfOffered: 1
            case .required: 2
            }
        guard
            let handle = cg_imap_open(
                mailbox.user, bearerToken == nil ? mailbox.password : nil, bearerToken, tls, mailbox.verifyPeer ? 1 : 0,
                timeoutSeconds, mailbox.proxy, cancelFlag.pointer)
        else {
            throw IMAPError(description: "libcurl could not create a handle")
        }
        self.handle = handle
    }

    deinit {
        cg_imap_close(handle)
    }

    /// Ends the request in progress, and any later one, within about a second with a
    /// `CancellationError`: a shutdown must not wait out a server that stopped answering. Safe from
    /// any thread.
    public func cancel() { cancelFlag.raise() }

    /// Tells the server who we are (RFC 2971 ID), before any mailbox is opened.
    ///
    /// NetEase's servers (163.com, 126.com, yeah.net) answer SELECT with "Unsafe Login" to a client
    /// that has not sent ID. A server without ID answers BAD; that is not an error here. A refused
    /// login or a server out of reach is: trying again at once would only log in a second time
    /// with the same wrong password, which servers count towards locking the account.
    public func identify() throws {
        do {
            _ = try perform(
                url: mailbox.serverURL, command: #"ID ("name" "complaint-gateway" "vendor" "Complaint Gateway")"#)
        } catch let error as IMAPError where error.loginDenied || error.unreachable {
            throw error
        } catch is CancellationError {
            throw CancellationError()
        } catch {}
    }

    /// The mailbox's UIDVALIDITY and UIDNEXT.
    public func status() throws -> (uidValidity: UInt64, uidNext: UInt64) {
        let response = try perform(
            url: mailbox.serverURL,
            command: "STATUS \(quoted(ModifiedUTF7.wireName(mailbox.folder))) (UIDVALIDITY UIDNEXT)")
        let text = String(decoding: response, as: UTF8.self)
        guard let validity = Self.number(after: "UIDVALIDITY", in: text),
            let next = Self.number(after: "UIDNEXT", in: text)
        else { throw IMAPError(description: "unexpected STATUS answer: \(text.prefix(200))") }
        return (validity, next)
    }

    /// UIDs of the messages with a UID of at least `first`, ascending.
    public func uids(from first: UInt64) throws -> [UInt64] {
        let response = try perform(url: folderURL, command: "UID SEARCH UID \(max(first, 1)):*")
        var uids: [UInt64] = []
        for line in String(decoding: response, as: UTF8.self).split(whereSeparator: \.isNewline)
        where line.hasPrefix("* SEARCH") {
            uids += line.dropFirst("* SEARCH".count).split(whereSeparator: \.isWhitespace).compactMap { UInt64($0) }
        }
        // `n:*` always matches the highest UID, even when it is below n.
        return uids.filter { $0 >= first }.sorted()
    }

    /// The raw message with `uid`.
    public func fetch(uid: UInt64) throws -> [UInt8] {
        try perform(url: folderURL + ";UID=\(uid)", command: nil)
    }

    /// Marks a message unread again: a fetch marks it read (libcurl fetches `BODY[]`, not
    /// `BODY.PEEK[]`), and one left for a person must be seen as new.
    public func markUnread(uid: UInt64) throws {
        _ = try perform(url: folderURL, command: "UID STORE \(uid) -FLAGS (\\Seen)")
    }

    /// Marks a committed message: the configured flags, then the move if one is configured.
    ///
    /// A `move_to` folder that does not exist yet is created (the server answers `[TRYCREATE]`,
    /// RFC 3501's invitation to) and the move tried again: otherwise every message would stay in
    /// the polled folder, passed by the cursor, until someone made the folder by hand.
    ///
    /// Servers without the MOVE extension (RFC 6851), such as many providers' and older Exchange
    /// servers, get what clients send them: a copy, `\Deleted` on the original, and an expunge.
    /// That expunge is of this message alone where the server has UIDPLUS (RFC 4315); without it
    /// only a plain `EXPUNGE` exists, which also removes any message another client flagged
    /// `\Deleted` in the folder, as that client asked.
    public func markCommitted(uid: UInt64) throws {
        if !mailbox.flagsAfterCommit.isEmpty {
            do {
                _ = try perform(url: folderURL, command: "UID STORE \(uid) +FLAGS (\(mailbox.flagsAfterCommit))")
            } catch let error as IMAPError {
                throw told(error, "cannot flag message \(uid) with \(mailbox.flagsAfterCommit)")
            }
            // `\Deleted` asks for the message to go: expunged now, or it would pile up in the
            // folder, flagged, for ever.
            if mailbox.flagsAfterCommit.lowercased().split(separator: " ").contains("\\deleted") {
                do {
                    try expunge(uid: uid)
                } catch let error as IMAPError {
                    throw told(error, "cannot expunge message \(uid), flagged \\Deleted")
                }
            }
        }
        guard let target = mailbox.moveTo else { return }
        let wireTarget = quoted(ModifiedUTF7.wireName(target))
        do {
            if try capabilities().contains("MOVE") {
                try creatingTarget(target) { try perform(url: folderURL, command: "UID MOVE \(uid) \(wireTarget)") }
            } else {
                try creatingTarget(target) { try perform(url: folderURL, command: "UID COPY \(uid) \(wireTarget)") }
                _ = try perform(url: folderURL, command: "UID STORE \(uid) +FLAGS.SILENT (\\Deleted)")
                try expunge(uid: uid)
            }
        } catch let error as IMAPError {
            throw told(error, "cannot move message \(uid) to \"\(target)\"")
        }
    }

    /// Runs `command`; when the server answers that `target` does not exist (`[TRYCREATE]`),
    /// creates it and runs `command` again.
    private func creatingTarget(_ target: String, _ command: () throws -> [UInt8]) throws {
        do {
            _ = try command()
        } catch let error as IMAPError where error.serverReply?.contains("[TRYCREATE]") == true {
            _ = try perform(url: mailbox.serverURL, command: "CREATE \(quoted(ModifiedUTF7.wireName(target)))")
            _ = try command()
        }
    }

    /// Removes the message with `uid`, flagged `\Deleted`: by UIDPLUS's `UID EXPUNGE` where the
    /// server has it, else by `EXPUNGE`, which takes every flagged message in the folder.
    private func expunge(uid: UInt64) throws {
        let command = try capabilities().contains("UIDPLUS") ? "UID EXPUNGE \(uid)" : "EXPUNGE"
        _ = try perform(url: folderURL, command: command)
    }

    /// The server's capabilities once logged in (they may differ from those it announced before),
    /// asked once per session. A server that cannot say is taken to have none beyond IMAP4rev1.
    private func capabilities() throws -> Set<Substring> {
        if let known = knownCapabilities { return known }
        var found: Set<Substring> = []
        do {
            let response = try perform(url: mailbox.serverURL, command: "CAPABILITY")
            found = Self.capabilities(in: String(decoding: response, as: UTF8.self))
        } catch let error as IMAPError where !(error.loginDenied || error.unreachable) {}
        knownCapabilities = found
        return found
    }

    /// The atoms of the `* CAPABILITY` lines in `response`, upper-cased.
    public static func capabilities(in response: String) -> Set<Substring> {
        var atoms: Set<Substring> = []
        for line in response.uppercased().split(whereSeparator: \.isNewline) where line.hasPrefix("* CAPABILITY ") {
            atoms.formUnion(line.dropFirst("* CAPABILITY ".count).split(whereSeparator: \.isWhitespace))
        }
        return atoms
    }

    /// `error` said as what failed (`cannot move message 3 to "已处理"`), with the server's own
    /// answer when there is one (libcurl's words, "Quote command returned error", say little).
    private func told(_ error: IMAPError, _ what: String) -> IMAPError {
        var told = error
        told.description =
            "\(mailbox.name): \(what)"
            + (error.serverReply.map { ": the server answered \"\($0)\"" } ?? ": \(error.description)")
        return told
    }

    /// The folder in libcurl's URL: its wire name, with `;` (libcurl's `;UID=` separator) escaped too.
    private var folderURL: String {
        let name = ModifiedUTF7.wireName(mailbox.folder)
        return mailbox.serverURL
            + (name.addingPercentEncoding(withAllowedCharacters: Self.folderCharacters) ?? name)
    }

    private static let folderCharacters = CharacterSet.urlPathAllowed.subtracting(CharacterSet(charactersIn: ";"))

    private func quoted(_ name: String) -> String {
        "\"" + name.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "\"", with: "\\\"") + "\""
    }

    private func perform(url: String, command: String?) throws -> [UInt8] {
        var buffer = cg_buffer(data: nil, length: 0, capacity: 0, limit: maxMessageBytes, overflowed: 0)
        var responses = cg_buffer(data: nil, length: 0, capacity: 0, limit: 16 << 10, overflowed: 0)
        defer {
            cg_buffer_free(&buffer)
            cg_buffer_free(&responses)
        }
        var error = [CChar](repeating: 0, count: Int(CURL_ERROR_SIZE))
        let code = cg_imap_perform(handle, url, command, &buffer, &responses, &error)
        if buffer.overflowed != 0 {
            throw IMAPError(
                description: "\(mailbox.name): response larger than \(maxMessageBytes) bytes", tooLarge: true)
        }
        if code == CURLE_ABORTED_BY_CALLBACK { throw CancellationError() }
        guard code == CURLE_OK else {
            let message = libcurlMessage(error)
            // libcurl's words ("Quote command returned error") say little; the server's say why.
            let reply = responses.data.flatMap { Self.finalReply(String(cString: $0)) }
            var error = IMAPError(
                description: "\(mailbox.name): \(command ?? "FETCH"): \(message)"
                    + (reply.map { " (the server answered \"\($0)\")" } ?? ""),
                notFound: command == nil && code == CURLE_REMOTE_FILE_NOT_FOUND, loginDenied: code == CURLE_LOGIN_DENIED
            )
            error.unreachable = Self.unreachableCodes.contains(code)
            if error.unreachable { error.description += throughProxy(mailbox.proxy) }
            error.serverReply = reply
            throw error
        }
        guard let data = buffer.data else { return [] }
        return Array(UnsafeRawBufferPointer(start: data, count: buffer.length))
    }

    /// Failures to reach the server or to secure the connection, before any command ran, and
    /// a connection that broke. A proxy that refuses the tunnel (`CONNECT tunnel failed, response
    /// 407`) is a receive error to libcurl.
    private static let unreachableCodes: Set<CURLcode> = [
        CURLE_COULDNT_RESOLVE_HOST, CURLE_COULDNT_CONNECT, CURLE_OPERATION_TIMEDOUT, CURLE_SSL_CONNECT_ERROR,
        CURLE_USE_SSL_FAILED, CURLE_PEER_FAILED_VERIFICATION, CURLE_COULDNT_RESOLVE_PROXY, CURLE_PROXY,
        CURLE_RECV_ERROR, CURLE_SEND_ERROR,
    ]

    /// The server's tagged answer to a failed command among its response lines
    /// (`A005 NO [TRYCREATE] …`), without the tag: the last `NO` or `BAD` (libcurl logs out after
    /// a failure, so the very last line is the logout's `OK`), else the last tagged line.
    static func finalReply(_ responses: String) -> String? {
        // A proxy's answer to CONNECT (`HTTP/1.1 407 …` and its header lines, up to the blank
        // line) comes through the same callback: it is not the server's.
        var inProxyAnswer = false
        let lines = responses.split(omittingEmptySubsequences: false, whereSeparator: \.isNewline).filter { line in
            if line.hasPrefix("HTTP/") { inProxyAnswer = true }
            defer { if line.allSatisfy(\.isWhitespace) { inProxyAnswer = false } }
            return !inProxyAnswer
        }
        let tagged = lines.map { $0.trimmingCharacters(in: .whitespaces) }
            .filter { !$0.isEmpty && !$0.hasPrefix("*") && !$0.hasPrefix("+") }
            .map { line -> Substring in
                let words = line.split(separator: " ", maxSplits: 1)
                return words.count == 2 && ["OK", "NO", "BAD"].contains(where: { words[1].hasPrefix($0) })
                    ? words[1] : line[...]
            }
        let reply = tagged.last { $0.hasPrefix("NO") || $0.hasPrefix("BAD") } ?? tagged.last
        return reply.map { String($0.prefix(300)) }
    }

    private static func number(after key: String, in text: String) -> UInt64? {
        guard let range = text.range(of: key + " ") else { return nil }
        return UInt64(text[range.upperBound...].prefix { $0.isNumber })
    }
}
