import Foundation
import Testing

@testable import ComplaintCore

@Suite struct ContentHashTests {
    /// FIPS 180-2 test vectors, as 64 lowercase hex digits.
    @Test func sha256HexMatchesTheStandardVectors() {
        #expect(
            ContentHash.sha256Hex(Data()) == "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855")
        #expect(
            ContentHash.sha256Hex(Data("abc".utf8))
                == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad")
        #expect(ContentHash.sha256Hex(Array("abc".utf8)).utf8.count == 64)
    }
}
