import Foundation
import Testing

/// A customer is named on the command line as the agent has them in front of
/// them: a plate in any spelling the ledger accepts, a phone with separators,
/// an ID number with a lower-case x, a name, or #id.
@Suite("Naming a customer")
struct CustomerLookupTests {
    @Test(arguments: ["粤B12345", "粤b12345", "粤B·12345", "粤B 12345", "13812345678", "138-1234-5678", "138 1234 5678", "张伟", "#1", "1"])
    func eachSpellingFindsTheCustomer(query: String) throws {
        let fixture = try Fixture()
        let result = try fixture.piped(["calls", "--customer", query], input: "")
        #expect(result.status == 0, "\(query): \(result.output)")
        #expect(!result.output.contains("no customer matches"), "\(query)")
    }

    @Test func anUnknownCustomerIsNamedInTheError() throws {
        let fixture = try Fixture()
        let result = try fixture.piped(["call", "粤Z99999"], input: "")
        #expect(result.status == 1)
        #expect(result.output.contains("no customer matches `粤Z99999`"))
    }

    /// A centre's ledger holds a million vehicles: no lookup may read them all.
    @Test func everyLookupIsAnsweredByAnIndex() throws {
        let fixture = try Fixture()
        let plan = try fixture.sqlite("""
            EXPLAIN QUERY PLAN SELECT * FROM customers WHERE plate = '粤B12345' OR phone = '粤B12345' OR id_number = '粤B12345' OR name = '粤B12345';
            EXPLAIN QUERY PLAN UPDATE follow_ups SET done_at = 'x' WHERE customer_id = 1 AND done_at IS NULL;
            """)
        #expect(!plan.contains("SCAN customers") && !plan.contains("SCAN follow_ups"), "\(plan)")
        #expect(plan.contains("customers_by_phone") && plan.contains("follow_ups_open_by_customer"), "\(plan)")
    }
}
