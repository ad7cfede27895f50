import Foundation
import GatewayTestSupport
import Testing

#if canImport(Glibc)
    import Glibc
#endif

@Suite("A child process the tests wait on cannot stall the run")
struct ChildWatchdogTests {
    @Test("a child still running at the limit is killed and reported, not waited on for ever")
    func hungChildIsKilled() async throws {
        let child = try SpawnedChild("/bin/sleep", ["600"], environment: [:])
        let started = ContinuousClock.now
        #expect(await child.exited(within: .milliseconds(300)) == nil)
        // Far under the child's own 600 s, with room for a test process busy with the other suites.
        #expect(ContinuousClock.now - started < .seconds(300))
        #expect(child.exitCode() == SIGKILL)
        #expect(Glibc.kill(child.pid, 0) == -1 && errno == ESRCH)
    }

    @Test("a child that ends in time gives its exit code")
    func endedChildGivesItsCode() async throws {
        let child = try SpawnedChild("/bin/sh", ["-c", "exit 3"], environment: [:])
        #expect(await child.exited(within: .seconds(30)) == 3)
        #expect(child.wait() == 3)
    }

    @Test("a helper whose output never ends is killed after its limit")
    func watchdogKillsAHelperReadingForEver() async throws {
        let child = try SpawnedChild("/bin/sleep", ["600"], environment: [:])
        child.kill(unlessEndedWithin: .milliseconds(200))
        let code = await onOwnThread { child.wait() }
        #expect(code == SIGKILL)
    }
}
