import Routing
import Synchronization

/// The router in force. Swapped whole on reload, so each complaint is routed by one version.
final class RouterHolder: Sendable {
    private let router: Mutex<RuleRouter>

    init(_ router: RuleRouter) { self.router = Mutex(router) }

    var current: RuleRouter { router.withLock { $0 } }

    func replace(with new: RuleRouter) { router.withLock { $0 = new } }
}
