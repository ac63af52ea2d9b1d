import Foundation
import GRDB
import HuashuCalendar
import HuashuEngine
import HuashuRenewal

/// The report's rows as its queries name their columns, read the same from either store.
public enum ReportRow {
    public static func due(_ row: Row) -> DueCustomerRow {
        DueCustomerRow(id: row["id"], name: row["name"], plate: row["plate"], vehicleUse: row["vehicle_use"],
                       expiry: row["expiry"], agent: row["responsible"], calls: row["calls"], lastCallAt: row["last_call"],
                       outcome: row["outcome"], lossReason: row["loss_reason"], lostTo: row["lost_to"], quote: row["quote"],
                       followUpOverdue: row["overdue"], calledRecently: row["recent"], phoneInvalid: row["phone_invalid"],
                       policy: row["kind"])
    }

    public static func outcome(_ row: Row) -> (outcome: String?, count: Int) {
        (outcome: row["outcome"], count: row["n"])
    }

    public static func agent(_ row: Row) -> AgentActivityRow {
        // julianday() keeps about a microsecond: round to the log's milliseconds.
        AgentActivityRow(agent: row["agent"], calls: row["calls"],
                         averageSeconds: (row["average"] as Double?).map { ($0 * 1000).rounded() / 1000 },
                         reached: row["reached"], won: row["won"])
    }

    public static func followUps(_ row: Row) -> FollowUpDisciplineRow {
        FollowUpDisciplineRow(agent: row["agent"], onTime: row["on_time"], late: row["late"], missed: row["missed"], pending: row["pending"])
    }

    public static func entered(_ row: Row) -> (row: ObjectionRow, searched: Bool) {
        (ObjectionRow(handler: row["node"], raised: row["raised"], calls: row["calls"], wonCalls: row["won_calls"]), row["searched"])
    }

    public static func rebuttal(_ row: Row) -> RebuttalRow {
        RebuttalRow(handler: row["handler"], answer: row["answer_id"], calls: row["calls"], won: row["won"])
    }

    public static func trainingStep(_ row: Row) -> TrainingStepRow {
        TrainingStepRow(callID: row["call_id"], agent: row["agent"], callStartedAt: row["started_at"], seq: row["seq"],
                        at: row["at"], inputKind: row["input_kind"],
                        input: CallLogCodec.input(kind: row["input_kind"], text: row["input"], answerID: row["answer_id"],
                                                  handlerID: row["handler_id"], note: row["note"]),
                        note: row["note"], node: row["node"], events: CallLogCodec.events(row["events"]) ?? [])
    }

    public static func lead(_ row: Row) -> LeadRow {
        LeadRow(customerID: row["id"], plate: row["plate"], model: row["model"], name: row["name"], phone: row["phone"],
                agent: row["agent"], callID: row["call_id"], foundAt: row["started_at"], fromPlate: row["from_plate"])
    }

    public static func callListRow(_ row: Row) throws -> CallListRow {
        CallListRow(call: try CallRecord(row: row), customerName: row["customer_name"], honorific: row["customer_honorific"],
                    plate: row["customer_plate"], lastStepAt: row["last_step_at"])
    }

    /// Each customer's latest live call and latest ended one, from calls in start order.
    public static func lastCalls(_ rows: [Row]) -> [Int64: LastCalls] {
        var result: [Int64: LastCalls] = [:]
        for row in rows {
            let call = CallSummary(startedAt: row["started_at"], outcome: row["outcome"], lossReason: row["loss_reason"])
            let id: Int64 = row["customer_id"]
            result[id] = LastCalls(last: call, lastEnded: call.outcome != nil ? call : result[id]?.lastEnded)
        }
        return result
    }
}
