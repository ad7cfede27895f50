import ComplaintCore
import EmailAdapter
import Foundation
import Logging
import Metrics
import ServiceLifecycle
import Storage

/// Polls one IMAP mailbox and feeds each new message through ``EmailIntake``.
///
/// Messages are taken by UID in ascending order. A message is flagged (and moved, if configured)
/// only after its record is committed, and the cursor advances only after that, so a crash at any
/// point re-reads rather than loses: a re-read message is a duplicate by Message-ID (or by the
/// raw message's hash) and creates nothing twice. When UIDVALIDITY changes the cursor restarts at 0.
struct MailboxPoller: Service {
    let settings: EmailSettings.PolledMailbox
    let intake: EmailIntake
    let store: any ComplaintStore
    let maxMessageBytes: Int
    let logger: Logger
    /// Polls in a row whose fetch of the same UID failed while the server was otherwise answering.
    let fetchFailures = FetchFailureStreak()
    /// After this many, the message is left in the mailbox (like an oversized one) so that the
    /// messages after it are not held up for ever by one the server cannot deliver.
    static let fetchAttemptsBeforeSkipping = 5
    /// The mailbox's access tokens, kept between polls, when it logs in by OAuth 2.0.
    let tokens: OAuth2Tokens?

    init(
        settings: EmailSettings.PolledMailbox, intake: EmailIntake, store: any ComplaintStore, maxMessageBytes: Int,
        logger: Logger
    ) {
        self.settings = settings
        self.intake = intake
        self.store = store
        self.maxMessageBytes = maxMessageBytes
        self.logger = logger
        tokens = settings.mailbox.oauth2.map {
            OAuth2Tokens($0, mailboxName: settings.mailbox.name, proxy: settings.mailbox.proxy)
        }
    }

    func run() async throws {
        let name = settings.mailbox.name
        let failures = Counter(label: "cg_imap_poll_failures_total", dimensions: [("mailbox", name)])
        logger.info(
            "polling mailbox",
            metadata: [
                "cg.mailbox": "\(name)", "cg.server": "\(settings.mailbox.serverURL)",
                "cg.folder": "\(settings.mailbox.folder)",
            ])
        var failedInARow = 0
        while !Task.isShuttingDownGracefully {
            do {
                let taken = try await pollOnce()
                failedInARow = 0
                if taken > 0 {
                    logger.info("mailbox polled", metadata: ["cg.mailbox": "\(name)", "cg.taken": "\(taken)"])
                }
            } catch is CancellationError {
                return
            } catch {
                failures.increment()
                failedInARow += 1
                let refused = (error as? IMAPError)?.loginDenied == true
                // A token the server refused may have been revoked: the next poll asks for another.
                if refused { tokens?.discard() }
                let check = tokens == nil ? "user and password" : "user and its OAuth 2.0 app's credentials and grant"
                logger.warning(
                    refused
                        ? "mailbox login refused: check the mailbox's \(check) (email.mailboxes)"
                        : "mailbox poll failed",
                    metadata: [
                        "cg.mailbox": "\(name)", "cg.error": "\(LogRedaction.scrub("\(error)"))",
                        "cg.next_poll_s":
                            "\(Self.secondsBeforeNextPoll(every: settings.pollSeconds, failedInARow: failedInARow))",
                    ])
            }
            try? await gracefulShutdownSleep(
                seconds: Self.secondsBeforeNextPoll(every: settings.pollSeconds, failedInARow: failedInARow))
        }
    }

    /// The longest wait between polls that keep failing, unless the poll interval is longer.
    static let longestBackOffSeconds = 900

    /// The wait before the next poll: the poll interval, doubled for each poll failed in a row after
    /// the first, up to ``longestBackOffSeconds``. A wrong password retried every few seconds gets
    /// the account locked by many servers, and a server that is down gains nothing from the haste.
    static func secondsBeforeNextPoll(every pollSeconds: Int, failedInARow: Int) -> Int {
        guard failedInARow > 1 else { return pollSeconds }
        let ceiling = max(pollSeconds, longestBackOffSeconds)
        let doublings = min(failedInARow - 1, 20)
        return min(pollSeconds * (1 << doublings), ceiling)
    }

    /// One pass over the mailbox; returns the number of messages committed.
    @discardableResult
    func pollOnce() async throws -> Int {
        let bearer = try await accessToken()
        let session = try await Self.blocking { [settings, maxMessageBytes] in
            try IMAPSession(
                settings.mailbox, bearerToken: bearer, timeoutSeconds: settings.stallSeconds,
                maxMessageBytes: maxMessageBytes)
        }
        // A shutdown ends the request in progress: a server that accepted the connection and went
        // quiet would otherwise hold the stop for the timeout, twice over. What was committed is
        // flagged on the next start at the latest (a message read again is a duplicate).
        return try await withGracefulShutdownHandler {
            try await withTaskCancellationHandler {
                try await poll(session)
            } onCancel: {
                session.cancel()
            }
        } onGracefulShutdown: {
            session.cancel()
        }
    }

    /// The token to log in with when the mailbox uses OAuth 2.0: kept from an earlier poll, or
    /// asked for now (a request a stop ends, like the mailbox's own).
    private func accessToken() async throws -> String? {
        guard let tokens else { return nil }
        let flag = CancelFlag()
        return try await withGracefulShutdownHandler {
            try await withTaskCancellationHandler {
                try await Self.blocking { try tokens.token(cancel: flag) }
            } onCancel: {
                flag.raise()
            }
        } onGracefulShutdown: {
            flag.raise()
        }
    }

    private func poll(_ session: IMAPSession) async throws -> Int {
        let mailbox = settings.mailbox
        try await Self.blocking { try session.identify() }
        let status = try await Self.blocking { try session.status() }
        let saved = try await store.mailboxCursor(mailbox.name)
        if saved == nil, settings.startWithNewOnly {
            // `start: new`, first poll: what is in the folder now is left to people; what arrives next is taken.
            let start = MailboxCursor(uidValidity: status.uidValidity, lastUID: max(status.uidNext, 1) - 1)
            try await store.saveMailboxCursor(mailbox.name, start)
            logger.notice(
                "mailbox first polled: only messages arriving from now on are taken (start: new)",
                metadata: ["cg.mailbox": "\(mailbox.name)", "cg.uid": "\(start.lastUID)"])
            return 0
        }
        var cursor = saved ?? MailboxCursor(uidValidity: status.uidValidity, lastUID: 0)
        if cursor.uidValidity != status.uidValidity {
            logger.warning(
                "UIDVALIDITY changed; reading the mailbox again (duplicates are recognised)",
                metadata: ["cg.mailbox": "\(mailbox.name)"])
            cursor = MailboxCursor(uidValidity: status.uidValidity, lastUID: 0)
        }
        guard status.uidNext > cursor.lastUID + 1 else { return 0 }
        let uids = try await Self.blocking { [cursor] in try session.uids(from: cursor.lastUID + 1) }
        var taken = 0
        let oversized = Counter(label: "cg_imap_oversized_total", dimensions: [("mailbox", mailbox.name)])
        let unreadable = Counter(label: "cg_imap_unreadable_total", dimensions: [("mailbox", mailbox.name)])
        for uid in uids where !Task.isShuttingDownGracefully {
            let message: [UInt8]
            do {
                message = try await Self.blocking { try session.fetch(uid: uid) }
                fetchFailures.clear()
            } catch let error as IMAPError where error.tooLarge {
                // Not taken, and not lost: it stays in the mailbox, unflagged and unread, for a
                // person to handle. The cursor moves past it so the messages after it are not held up.
                oversized.increment()
                do {
                    try await Self.blocking { try session.markUnread(uid: uid) }
                } catch {
                    logger.warning(
                        "could not mark an oversized message unread",
                        metadata: ["cg.mailbox": "\(mailbox.name)", "cg.error": "\(LogRedaction.scrub("\(error)"))"])
                }
                logger.error(
                    "message larger than email.max_message_bytes left in the mailbox",
                    metadata: ["cg.mailbox": "\(mailbox.name)", "cg.uid": "\(uid)", "cg.limit": "\(maxMessageBytes)"])
                try await skip(uid, cursor: &cursor)
                continue
            } catch is CancellationError {
                throw CancellationError()
            } catch let error as IMAPError where error.notFound {
                // Expunged since the search (a person deleted or moved it): nothing to take.
                try await skip(uid, cursor: &cursor)
                continue
            } catch {
                guard fetchFailures.record(uid) >= Self.fetchAttemptsBeforeSkipping else { throw error }
                fetchFailures.clear()
                unreadable.increment()
                logger.error(
                    "message the server failed to deliver \(Self.fetchAttemptsBeforeSkipping) times left in the mailbox",
                    metadata: [
                        "cg.mailbox": "\(mailbox.name)", "cg.uid": "\(uid)",
                        "cg.error": "\(LogRedaction.scrub("\(error)"))",
                    ])
                try await skip(uid, cursor: &cursor)
                continue
            }
            let headers = [RawPayload.Header(name: "X-IMAP-UID", value: "\(uid)")]
            if EmailIntake.looksLikeMessage(message) {
                _ = try await intake.accept(message, adapter: mailbox.name, headers: headers)
            } else {
                // Bytes saved into the mailbox that are no message (a CSV, a picture): kept in
                // quarantine as POST /v1/email keeps them, and flagged as taken.
                let rawID = try await intake.quarantineNotAMessage(
                    message, adapter: mailbox.name, reason: EmailIntake.notAMessageReason, headers: headers)
                logger.warning(
                    "mailbox item that is not a message quarantined",
                    metadata: ["cg.mailbox": "\(mailbox.name)", "cg.uid": "\(uid)", "cg.raw_id": "\(rawID)"])
            }
            do {
                try await Self.blocking { try session.markCommitted(uid: uid) }
            } catch {
                // The record is committed: the cursor still advances, so the message is not re-read forever.
                logger.warning(
                    "could not flag or move a committed message: it stays in the polled folder",
                    metadata: ["cg.mailbox": "\(mailbox.name)", "cg.error": "\(LogRedaction.scrub("\(error)"))"])
            }
            cursor.lastUID = uid
            try await store.saveMailboxCursor(mailbox.name, cursor)
            taken += 1
        }
        return taken
    }

    /// Moves the cursor past a message that is not taken, so the messages after it are.
    private func skip(_ uid: UInt64, cursor: inout MailboxCursor) async throws {
        cursor.lastUID = uid
        try await store.saveMailboxCursor(settings.mailbox.name, cursor)
    }

    /// Sleeps, returning early on graceful shutdown.
    private func gracefulShutdownSleep(seconds: Int) async throws {
        try await cancelWhenGracefulShutdown {
            try await Task.sleep(for: .seconds(seconds))
        }
    }

    /// Runs libcurl's blocking calls on a thread of their own: not on the concurrency pool's
    /// threads, and not on Dispatch's global queue either, whose few workers (one per core) are
    /// shared with the rest of the process; a call waiting on a slow server for its timeout must
    /// not hold up another mailbox's poll, nor the timers that queue runs.
    private static func blocking<T: Sendable>(_ work: @escaping @Sendable () throws -> T) async throws -> T {
        try await withCheckedThrowingContinuation { continuation in
            let thread = Thread { continuation.resume(with: Result { try work() }) }
            thread.name = "imap"
            thread.start()
        }
    }
}
