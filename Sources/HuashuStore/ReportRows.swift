import Foundation
import GRDB
import GRDBSQLite
import HuashuCalendar
import HuashuEngine
import HuashuRenewal

/// One line of `huashu calls`: the call, who it was to, and its last logged step.
public struct CallListRow: Sendable, Equatable {
    public var call: CallRecord
    public var customerName: String
    public var honorific: String?
    public var plate: String
    /// When the last step was logged: the length so far of a call without an end.
    public var lastStepAt: String?
}

/// A customer whose commercial cover expires in the month, with what the log says about them.
/// Rehearsal-only customers (customers.training = 1) are never due.
public struct DueCustomerRow: Sendable, Equatable {
    public var id: Int64
    public var name: String
    public var plate: String
    public var vehicleUse: String?
    public var expiry: String
    /// The ledger's agent, else the agent of the latest call.
    public var agent: String?
    /// Live calls to the customer, ever.
    public var calls: Int
    /// Start of the latest live call (UTC log timestamp).
    public var lastCallAt: String?
    /// The customer's result this renewal season (`RenewalSeason`): the latest final
    /// outcome (won, lost, do-not-call, wrong number) if any, else the latest outcome;
    /// nil when no call of the season ended.
    public var outcome: String?
    public var lossReason: String?
    public var lostTo: String?
    public var quote: String?
    /// A booked follow-up is still open past its due time.
    public var followUpOverdue: Bool
    /// The latest live call started within the quiet window (the last 3 days).
    public var calledRecently: Bool
    /// No phone to dial (缺少有效电话): the customer is kept out of the queue.
    public var phoneInvalid = false
    /// The policy due (商业险, or 交强险 when it expires on a day of its own): each is a renewal.
    public var policy = "商业险"

    public var hasFinalOutcome: Bool { outcome.flatMap(OutcomeKind.init(rawValue:))?.isFinal ?? false }
    public var isWon: Bool { outcome == "won" }
}

/// One agent's live calls started in the month.
public struct AgentActivityRow: Sendable, Equatable {
    public var agent: String
    public var calls: Int
    /// Calls with an end (an outcome): the ones with a length.
    public var averageSeconds: Double?
    /// Customers with a call that ended other than no answer or wrong number.
    public var reached: Int
    /// Customers with a call that ended won.
    public var won: Int
}

/// Follow-ups due in the month, by the agent of the call that booked them.
public struct FollowUpDisciplineRow: Sendable, Equatable {
    public var agent: String?
    /// Done (a call to the customer) on or before the due day.
    public var onTime: Int
    /// Done after the due day.
    public var late: Int
    /// Not done and the due day has passed.
    public var missed: Int
    /// Not done and not yet due.
    public var pending: Int

    public init(agent: String?, onTime: Int, late: Int, missed: Int, pending: Int) {
        self.agent = agent
        self.onTime = onTime
        self.late = late
        self.missed = missed
        self.pending = pending
    }
}

/// How often the customer raised an objection: entering its handler by search or by an answer.
public struct ObjectionRow: Sendable, Equatable {
    public var handler: String
    public var raised: Int
    public var calls: Int
    public var wonCalls: Int

    public init(handler: String, raised: Int, calls: Int, wonCalls: Int) {
        self.handler = handler
        self.raised = raised
        self.calls = calls
        self.wonCalls = wonCalls
    }
}

/// A rebuttal: the answer chosen at a handler node, and how the ended calls that used it came out.
public struct RebuttalRow: Sendable, Equatable {
    public var handler: String
    public var answer: String
    public var calls: Int
    public var won: Int

    public init(handler: String, answer: String, calls: Int, won: Int) {
        self.handler = handler
        self.answer = answer
        self.calls = calls
        self.won = won
    }
}

/// A vehicle a customer mentioned on a call, kept as a new customer row to check.
public struct LeadRow: Sendable, Equatable {
    public var customerID: Int64
    public var plate: String
    public var model: String?
    /// The customer who mentioned it, and their phone (the new row's too).
    public var name: String
    public var phone: String?
    public var agent: String
    public var callID: Int64
    /// When the call that found it started (UTC log timestamp).
    public var foundAt: String
    /// The plate of the vehicle the call was about.
    public var fromPlate: String
}

/// One logged step of a rehearsal (a call with `training = 1`), with the
/// trainee it belongs to: what `huashu coverage` reads back.
public struct TrainingStepRow: Sendable, Equatable {
    public var callID: Int64
    public var agent: String
    public var callStartedAt: String
    public var seq: Int
    public var at: String
    public var inputKind: String
    /// The input, nil for the first row (or one that does not read).
    public var input: CallInput?
    public var note: String?
    public var node: String
    /// The events; empty when they do not read.
    public var events: [CallEvent]
}

/// A call as the queue sees it: when it started (UTC timestamp) and how it ended, if it did.
public struct CallSummary: Sendable, Equatable {
    public var startedAt: String
    public var outcome: String?
    public var lossReason: String?

    public init(startedAt: String, outcome: String?, lossReason: String? = nil) {
        self.startedAt = startedAt
        self.outcome = outcome
        self.lossReason = lossReason
    }
}

/// A customer's latest call, and the latest that reached an outcome (often the same).
public struct LastCalls: Sendable, Equatable {
    public var last: CallSummary
    public var lastEnded: CallSummary?

    public init(last: CallSummary, lastEnded: CallSummary?) {
        self.last = last
        self.lastEnded = lastEnded
    }
}
