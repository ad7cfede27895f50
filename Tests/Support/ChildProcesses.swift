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

/// Serialises `Process.run()` across the test process: swift-corelibs-foundation's spawn path has
/// crashed (a bad memcpy inside `Process.run()`) when several tests launched children at once.
private let launchLock = NSLock()

extension Process {
    /// `run()`, one launch at a time.
    public func launchSerially() throws {
        launchLock.lock()
        defer { launchLock.unlock() }
        try run()
    }
}

/// Runs `path` with `arguments` to completion through `posix_spawn` (``SpawnedChild``) and returns
/// its exit code and standard output; its standard error goes to `errorOutput` (the test
/// process's own by default).
///
/// For the helpers the tests call hundreds of times (`sqlite`): Foundation's `Process.run()` on
/// Linux can crash while it lists `/proc/self/fd` (an over-read of `d_name`, swift-corelibs-foundation
/// #5472), more often the more descriptors are open, and these tests hold many sockets.
public func spawnCapturingOutput(
    _ path: String, _ arguments: [String], environment: [String: String] = ProcessInfo.processInfo.environment,
    errorOutput: Int32? = 2
) throws -> (status: Int32, output: Data) {
    var pipeEnds: [Int32] = [0, 0]
    guard pipe(&pipeEnds) == 0 else { throw POSIXError(.EMFILE) }
    for end in pipeEnds { _ = fcntl(end, F_SETFD, FD_CLOEXEC) }
    let child: SpawnedChild
    do {
        child = try SpawnedChild(
            path, arguments, environment: environment, output: pipeEnds[1], errorOutput: errorOutput)
    } catch {
        close(pipeEnds[0])
        close(pipeEnds[1])
        throw error
    }
    close(pipeEnds[1])
    let output = FileHandle(fileDescriptor: pipeEnds[0], closeOnDealloc: true).readAllRetryingInterrupts()
    return (child.wait(), output)
}
