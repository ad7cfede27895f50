import Crypto

extension ContentHash {
    /// SHA-256 over bytes that arrive in pieces (an upload streamed to disk), as lowercase hex.
    public struct Streaming {
        private var hasher = SHA256()

        public init() {}

        /// Adds the next piece.
        public mutating func update(_ bytes: UnsafeRawBufferPointer) {
            hasher.update(bufferPointer: bytes)
        }

        /// The digest of everything added, as 64 lowercase hex digits.
        public func finalize() -> String {
            let digits = Array("0123456789abcdef".utf8)
            var hex: [UInt8] = []
            hex.reserveCapacity(64)
            for byte in hasher.finalize() {
                hex.append(digits[Int(byte >> 4)])
                hex.append(digits[Int(byte & 0x0F)])
            }
            return String(decoding: hex, as: UTF8.self)
        }
    }
}
