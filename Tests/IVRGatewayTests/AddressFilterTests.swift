import Testing
@testable import IVRGateway

@Suite struct AddressFilterTests {
    @Test func loopbackAlwaysAndOtherPeersOnlyInsideAnAllowedBlock() {
        var filter = AddressFilter()
        #expect(filter.allows("127.0.0.1") && filter.allows("127.3.2.1") && filter.allows("::1") && filter.allows("::ffff:127.0.0.1"))
        #expect(!filter.allows("10.1.2.3") && !filter.allows("2001:db8::5"))
        #expect(filter.allow("10.0.0.0/8") == nil)
        #expect(filter.allow("192.168.1.20") == nil)
        #expect(filter.allow("2001:db8::/32") == nil)
        #expect(filter.allows("10.200.3.4") && filter.allows("::ffff:10.0.0.1"))
        #expect(!filter.allows("11.0.0.1"))
        #expect(filter.allows("192.168.1.20") && !filter.allows("192.168.1.21"))
        #expect(filter.allows("2001:db8:1::7") && !filter.allows("2001:db9::1"))
        #expect(!filter.allows("not an address"))
    }

    @Test func blocksThatAreNotCIDRAreRefusedWithTheReason() {
        var filter = AddressFilter()
        #expect(filter.allow("10.0.0.0/33") == "'10.0.0.0/33': the prefix length must be from 0 to 32")
        #expect(filter.allow("10.0.0/8") == "'10.0.0/8' is not an address or a CIDR block, such as 10.0.0.0/8")
        #expect(filter.allow("fe80::1::2/64") == "'fe80::1::2/64' is not an address or a CIDR block, such as 10.0.0.0/8")
        #expect(filter.allow("0.0.0.0/0") == nil)
        #expect(filter.allows("8.8.8.8"), "0.0.0.0/0 allows every IPv4 peer")
    }
}
