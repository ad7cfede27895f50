import HotlineCSVAdapter
import Synchronization

/// The hotline profiles in force, shared by the importer and the reloader: a reload puts new
/// ones in force for the uploads that start after it. An import under way keeps the profile it
/// started with (a profile is a value), so no file is read half by one version and half by another.
final class HotlineProfileSet: Sendable {
    private let profiles: Mutex<[String: HotlineProfile]>

    init(_ profiles: [String: HotlineProfile]) { self.profiles = Mutex(profiles) }

    /// The profiles in force now, by name.
    var current: [String: HotlineProfile] { profiles.withLock { $0 } }

    func replace(with new: [String: HotlineProfile]) { profiles.withLock { $0 = new } }
}
