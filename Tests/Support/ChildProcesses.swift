import Foundation

#if canImport(Glibc)
    import Glibc
#endif

extension FileHandle {
    /// Everything until end of file, retrying reads a signal interrupted.
    ///
    /// Foundation's `readDataToEndOfFile()` traps on `EINTR`, and the test process gets signals
    /// (SIGCHLD from the child processes that tests run), so a pipe read can be interrupted.
    public func readAllRetryingInterrupts() -> Data {
        var data = Data()
        var buffer = [UInt8](repeating: 0, count: 65_536)
        while true {
            let count = buffer.withUnsafeMutableBytes { Glibc.read(fileDescriptor, $0.baseAddress, $0.count) }
            if count > 0 {
                data.append(contentsOf: buffer[..<count])
            } else if count == 0 || errno != EINTR {
                return data
            }
        }
    }
}

/// Runs `body` on a thread of its own and returns its result.
///
/// For every blocking call a test makes (waiting for a child process, reading its output): on
/// the cooperative pool, which has one thread per core, two such calls at once stop every other
/// test's tasks, the in-process gateways' among them, for as long as they block.
public func onOwnThread<T: Sendable>(_ body: @escaping @Sendable () throws -> T) async throws -> T {
    try await withCheckedThrowingContinuation { continuation in
        Thread { continuation.resume(with: Result { try body() }) }.start()
    }
}

/// ``onOwnThread(_:)`` for a body that cannot fail.
public func onOwnThread<T: Sendable>(_ body: @escaping @Sendable () -> T) async -> T {
    await withCheckedContinuation { continuation in
        Thread { continuation.resume(returning: body()) }.start()
    }
}

/// Runs `path` with `arguments` to completion through `posix_spawn` (``SpawnedChild``), on a
/// thread of its own (``onOwnThread(_:)``), and returns its exit code and standard output; its
/// standard input is `input` (empty by default), its standard error goes to `errorOutput` (the
/// test process's own by default) or, with `errorsToOutput`, into the output returned.
///
/// For every helper the tests run: Foundation's `Process.run()` on Linux can crash while it lists
/// `/proc/self/fd` (an over-read of `d_name`, swift-corelibs-foundation #5472), more often the more
/// descriptors are open, and these tests hold many sockets.
public func spawnCapturingOutput(
    _ path: String, _ arguments: [String], environment: [String: String] = ProcessInfo.processInfo.environment,
    input: Data? = nil, errorOutput: Int32? = 2, errorsToOutput: Bool = false
) async throws -> (status: Int32, output: Data) {
    try await onOwnThread {
        try spawnAndWait(
            path, arguments, environment: environment, input: input, errorOutput: errorOutput,
            errorsToOutput: errorsToOutput)
    }
}

private func spawnAndWait(
    _ path: String, _ arguments: [String], environment: [String: String], input: Data?, errorOutput: Int32?,
    errorsToOutput: Bool
) throws -> (status: Int32, output: Data) {
    // The input goes through an unlinked temporary file, not a pipe: the child can then write
    // any amount of output before it has read all of its input, and nothing here waits on both.
    let inputFile = try input.map(unlinkedFile(holding:))
    defer { if let inputFile { close(inputFile) } }
    var pipeEnds: [Int32] = [0, 0]
    guard pipe(&pipeEnds) == 0 else { throw POSIXError(.EMFILE) }
    for end in pipeEnds { _ = fcntl(end, F_SETFD, FD_CLOEXEC) }
    let child: SpawnedChild
    do {
        child = try SpawnedChild(
            path, arguments, environment: environment, input: inputFile, output: pipeEnds[1],
            errorOutput: errorsToOutput ? pipeEnds[1] : errorOutput)
    } catch {
        close(pipeEnds[0])
        close(pipeEnds[1])
        throw error
    }
    close(pipeEnds[1])
    // A helper that hangs fails its test instead of stalling the whole run.
    child.kill(unlessEndedWithin: .seconds(300))
    let output = FileHandle(fileDescriptor: pipeEnds[0], closeOnDealloc: true).readAllRetryingInterrupts()
    return (child.wait(), output)
}

/// A descriptor, positioned at 0, of a temporary file that holds `data` and has no name.
private func unlinkedFile(holding data: Data) throws -> Int32 {
    var template = Array("\(NSTemporaryDirectory())/cg-child-input.XXXXXX".utf8CString)
    let descriptor = template.withUnsafeMutableBufferPointer { mkstemp($0.baseAddress!) }
    guard descriptor >= 0 else { throw POSIXError(POSIXErrorCode(rawValue: errno) ?? .EIO) }
    template.withUnsafeBufferPointer { _ = unlink($0.baseAddress!) }
    _ = fcntl(descriptor, F_SETFD, FD_CLOEXEC)
    let written = data.withUnsafeBytes { bytes -> Bool in
        var offset = 0
        while offset < bytes.count {
            let count = write(descriptor, bytes.baseAddress! + offset, bytes.count - offset)
            if count < 0 && errno == EINTR { continue }
            guard count > 0 else { return false }
            offset += count
        }
        return true
    }
    guard written, lseek(descriptor, 0, SEEK_SET) == 0 else {
        close(descriptor)
        throw POSIXError(.EIO)
    }
    return descriptor
}
