import Foundation

#if canImport(Glibc)
    import Glibc
#endif

/// A child process started through `posix_spawn` rather than Foundation's `Process`, whose
/// `run()` on Linux can crash the whole test process (see `spawnCapturingOutput`): for the
/// gateway processes the crash and CLI tests start while many sockets are open.
public final class SpawnedChild: @unchecked Sendable {
    public let pid: pid_t
    public let path: String
    private let lock = NSLock()
    /// The wait status, once the child has been reaped.
    private var status: Int32?

    /// Starts `path` with `arguments` and `environment`. Standard input comes from `input`;
    /// standard output and standard error go to `output` and `errorOutput` (descriptors the caller
    /// owns). Any of them not given is `/dev/null`.
    public init(
        _ path: String, _ arguments: [String], environment: [String: String], input: Int32? = nil,
        output: Int32? = nil, errorOutput: Int32? = nil
    ) throws {
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        if let input {
            posix_spawn_file_actions_adddup2(&actions, input, 0)
        } else {
            posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        }
        if let output {
            posix_spawn_file_actions_adddup2(&actions, output, 1)
        } else {
            posix_spawn_file_actions_addopen(&actions, 1, "/dev/null", O_WRONLY, 0)
        }
        if let errorOutput {
            posix_spawn_file_actions_adddup2(&actions, errorOutput, 2)
        } else {
            posix_spawn_file_actions_addopen(&actions, 2, "/dev/null", O_WRONLY, 0)
        }
        // The child gets nothing else of the test process's (as `Process` closes them too): a
        // listening socket it inherited would outlive the test server that opened it.
        guard let closeFrom = Self.closeFrom, closeFrom(&actions, 3) == 0 else { throw POSIXError(.ENOSYS) }
        let argv: [UnsafeMutablePointer<CChar>?] = ([path] + arguments).map { strdup($0) } + [nil]
        let envp: [UnsafeMutablePointer<CChar>?] = environment.map { strdup("\($0.key)=\($0.value)") } + [nil]
        defer { for pointer in argv + envp { free(pointer) } }
        var pid: pid_t = 0
        let spawned = posix_spawn(&pid, path, &actions, nil, argv, envp)
        guard spawned == 0 else { throw POSIXError(POSIXErrorCode(rawValue: spawned) ?? .ENOENT) }
        self.pid = pid
        self.path = path
    }

    /// glibc's `posix_spawn_file_actions_addclosefrom_np` (2.34 and later), which Swift's Glibc
    /// module does not declare.
    private static let closeFrom: (@convention(c) (UnsafeMutablePointer<posix_spawn_file_actions_t>, Int32) -> Int32)? =
        {
            guard let symbol = dlsym(nil, "posix_spawn_file_actions_addclosefrom_np") else { return nil }
            return unsafeBitCast(
                symbol,
                to: (@convention(c) (UnsafeMutablePointer<posix_spawn_file_actions_t>, Int32) -> Int32).self)
        }()

    /// The exit code (or terminating signal) once the child has ended, nil while it runs.
    public func exitCode() -> Int32? {
        lock.lock()
        defer { lock.unlock() }
        if status == nil {
            var raw: Int32 = 0
            if waitpid(pid, &raw, WNOHANG) == pid { status = raw }
        }
        return status.map(Self.code)
    }

    /// Sends `signal` to the child (nothing once it has been reaped).
    public func send(_ signal: Int32) {
        lock.lock()
        defer { lock.unlock() }
        if status == nil { _ = Glibc.kill(pid, signal) }
    }

    /// Waits for the child to end; returns its exit code (or terminating signal).
    @discardableResult
    public func wait() -> Int32 {
        while true {
            if let code = exitCode() { return code }
            // Blocks without the lock, so that `send` and `exitCode` (a watchdog's) are not held up.
            var raw: Int32 = 0
            if waitpid(pid, &raw, 0) == pid {
                lock.lock()
                if status == nil { status = raw }
                lock.unlock()
            } else if errno == ECHILD {
                // Reaped by another waiter, which is recording it.
                sched_yield()
            }
        }
    }

    /// ``wait()`` on a thread of its own, so that the waiting test holds no thread of the cooperative pool,
    /// for at most `limit`: a child still running then is killed (SIGKILL), reaped, and nil is
    /// returned, so a test waiting on a child that hangs fails, naming it, instead of stalling the run.
    @discardableResult
    public func exited(within limit: Duration = .seconds(120)) async -> Int32? {
        await onOwnThread {
            let deadline = ContinuousClock.now + limit
            while self.exitCode() == nil {
                guard ContinuousClock.now < deadline else {
                    self.killHung(after: limit)
                    return nil
                }
                usleep(10_000)
            }
            return self.wait()
        }
    }

    /// Kills the child unless it has ended by `limit` from now (without holding a thread meanwhile),
    /// for waits that cannot be given a deadline of their own, such as reading its output to the end.
    public func kill(unlessEndedWithin limit: Duration) {
        let nanoseconds = limit.components.seconds * 1_000_000_000 + limit.components.attoseconds / 1_000_000_000
        DispatchQueue.global().asyncAfter(deadline: .now() + .nanoseconds(Int(nanoseconds))) {
            if self.exitCode() == nil { self.killHung(after: limit) }
        }
    }

    private func killHung(after limit: Duration) {
        FileHandle.standardError.write(Data("child \(pid) (\(path)) still running after \(limit): killed\n".utf8))
        send(SIGKILL)
        wait()
    }

    /// `WEXITSTATUS` for a normal exit, else `WTERMSIG` (as `Process.terminationStatus` reports).
    private static func code(_ raw: Int32) -> Int32 {
        raw & 0x7F == 0 ? (raw >> 8) & 0xFF : raw & 0x7F
    }
}
