//! COMMAND DOCS data of the sorted set family, referenced from its rows.

use super::{O1, d};
use crate::command::Doc;

const G: &str = "sorted-set";
const LOGN: &str = "O(log(N)) where N is the number of elements in the sorted set.";
const LOGN_WITH: &str = "O(log(N)) with N being the number of elements in the sorted set.";
const LOGN_M: &str =
    "O(log(N)+M) with N being the number of elements in the sorted set and M the number of elements returned.";
const LOGN_M_REMOVED: &str = "O(log(N)+M) with N being the number of elements in the sorted set and M the number of elements removed by the operation.";
const LOGN_M_POP: &str =
    "O(log(N)*M) with N being the number of elements in the sorted set, and M being the number of elements popped.";
const UNION: &str = "O(N)+O(M*log(M)) with N being the sum of the sizes of the input sorted sets, and M being the number of elements in the resulting sorted set.";
const INTER: &str = "O(N*K)+O(M*log(M)) worst case with N being the smallest input sorted set, K being the number of input sorted sets and M being the number of elements in the resulting sorted set.";
const DIFF: &str = "O(L + (N-K)log(N)) worst case where L is the total number of elements in all the sets, N is the size of the first set, and K is the size of the result set.";
const MPOP: &str = "O(K) + O(M*log(N)) where K is the number of provided keys, N being the number of elements in the sorted set, and M being the number of elements popped.";
const RANGE_ARGS: &str = "key min max";
const LOGN_M_SCORE: &str = "O(log(N)+M) with N being the number of elements in the sorted set and M the number of elements being returned. If M is constant (e.g. always asking for the first 10 elements with LIMIT), you can consider it O(log(N)).";

/// A deprecated command's doc, with its own complexity.
const fn dep(
    since: &'static str,
    complexity: &'static str,
    summary: &'static str,
    args: &'static str,
    deprecated: &'static str,
) -> Doc {
    Doc { group: G, since, complexity, summary, args, deprecated }
}

pub const ZADD: Doc = d(
    G,
    "1.2.0",
    "O(log(N)) for each item added, where N is the number of elements in the sorted set.",
    "Add members with scores, or change their scores",
    "key condition=[NX|XX] comparison=[GT|LT] change=[CH] increment=[INCR] score_member=(score:double member)...",
);
pub const ZINCRBY: Doc = d(G, "1.2.0", LOGN, "Add an amount to the score of a member", "key increment:integer member");
pub const ZREM: Doc = d(
    G,
    "1.2.0",
    "O(M*log(N)) with N being the number of elements in the sorted set and M the number of elements to be removed.",
    "Remove members",
    "key member...",
);
pub const ZCARD: Doc = d(G, "1.2.0", O1, "Return how many members a sorted set has", "key");
pub const ZSCORE: Doc = d(G, "1.2.0", O1, "Return the score of a member", "key member");
pub const ZMSCORE: Doc = d(
    G,
    "6.2.0",
    "O(N) where N is the number of members being requested.",
    "Return the scores of several members",
    "key member...",
);
pub const ZRANK: Doc = d(G, "2.0.0", "O(log(N))", "Return the position of a member, lowest score first", "key member");
pub const ZREVRANK: Doc =
    d(G, "2.0.0", "O(log(N))", "Return the position of a member, highest score first", "key member");
pub const ZCOUNT: Doc = d(G, "2.0.0", LOGN_WITH, "Count the members within a score range", "key min:double max:double");
pub const ZLEXCOUNT: Doc = d(G, "2.8.9", LOGN_WITH, "Count the members within a lexicographical range", "key min max");
pub const ZRANGE: Doc = d(
    G,
    "1.2.0",
    LOGN_M,
    "Return members by position, score or lexicographical range",
    "key start stop sortby=[BYSCORE|BYLEX] [REV] [LIMIT offset_count=(offset:integer count:integer)] [WITHSCORES]",
);
pub const ZRANGESTORE: Doc = d(
    G,
    "6.2.0",
    "O(log(N)+M) with N being the number of elements in the sorted set and M the number of elements stored into the destination key.",
    "Store a range of members in another key",
    "dst:key src:key min max sortby=[BYSCORE|BYLEX] [REV] [LIMIT offset_count=(offset:integer count:integer)]",
);
pub const ZREVRANGE: Doc = dep(
    "1.2.0",
    LOGN_M,
    "Return members by position, highest score first",
    "key start:integer stop:integer [WITHSCORES]",
    "6.2.0|`ZRANGE` with the `REV` argument",
);
pub const ZRANGEBYSCORE: Doc = dep(
    "1.0.5",
    LOGN_M_SCORE,
    "Return members within a score range",
    "key min:double max:double [WITHSCORES] [LIMIT offset_count=(offset:integer count:integer)]",
    "6.2.0|`ZRANGE` with the `BYSCORE` argument",
);
pub const ZREVRANGEBYSCORE: Doc = dep(
    "2.2.0",
    LOGN_M_SCORE,
    "Return members within a score range, highest score first",
    "key max:double min:double [WITHSCORES] [LIMIT offset_count=(offset:integer count:integer)]",
    "6.2.0|`ZRANGE` with the `REV` and `BYSCORE` arguments",
);
pub const ZRANGEBYLEX: Doc = dep(
    "2.8.9",
    LOGN_M_SCORE,
    "Return members within a lexicographical range",
    "key min max [LIMIT offset_count=(offset:integer count:integer)]",
    "6.2.0|`ZRANGE` with the `BYLEX` argument",
);
pub const ZREVRANGEBYLEX: Doc = dep(
    "2.8.9",
    LOGN_M_SCORE,
    "Return members within a lexicographical range, in reverse order",
    "key max min [LIMIT offset_count=(offset:integer count:integer)]",
    "6.2.0|`ZRANGE` with the `REV` and `BYLEX` arguments",
);
pub const ZPOPMIN: Doc =
    d(G, "5.0.0", LOGN_M_POP, "Remove and return the members with the lowest scores", "key [count:integer]");
pub const ZPOPMAX: Doc =
    d(G, "5.0.0", LOGN_M_POP, "Remove and return the members with the highest scores", "key [count:integer]");
pub const BZPOPMIN: Doc =
    d(G, "5.0.0", LOGN_WITH, "Pop the lowest-scored member, waiting until one is there", "key... timeout:double");
pub const BZPOPMAX: Doc =
    d(G, "5.0.0", LOGN_WITH, "Pop the highest-scored member, waiting until one is there", "key... timeout:double");
pub const ZMPOP: Doc = d(
    G,
    "7.0.0",
    MPOP,
    "Pop members from the first non-empty sorted set of several",
    "numkeys:integer key... where=(MIN|MAX) [COUNT count:integer]",
);
pub const BZMPOP: Doc = d(
    G,
    "7.0.0",
    MPOP,
    "Pop members from the first non-empty sorted set of several, waiting until one is there",
    "timeout:double numkeys:integer key... where=(MIN|MAX) [COUNT count:integer]",
);
pub const ZREMRANGEBYRANK: Doc =
    d(G, "2.0.0", LOGN_M_REMOVED, "Remove the members within a range of positions", "key start:integer stop:integer");
pub const ZREMRANGEBYSCORE: Doc =
    d(G, "1.2.0", LOGN_M_REMOVED, "Remove the members within a score range", "key min:double max:double");
pub const ZREMRANGEBYLEX: Doc =
    d(G, "2.8.9", LOGN_M_REMOVED, "Remove the members within a lexicographical range", RANGE_ARGS);
pub const ZUNION: Doc = d(
    G,
    "6.2.0",
    UNION,
    "Return the union of sorted sets",
    "numkeys:integer key... [WEIGHTS weight:integer...] [AGGREGATE aggregate=(SUM|MIN|MAX)] [WITHSCORES]",
);
pub const ZINTER: Doc = d(
    G,
    "6.2.0",
    INTER,
    "Return the intersection of sorted sets",
    "numkeys:integer key... [WEIGHTS weight:integer...] [AGGREGATE aggregate=(SUM|MIN|MAX)] [WITHSCORES]",
);
pub const ZDIFF: Doc = d(
    G,
    "6.2.0",
    DIFF,
    "Return the members of the first sorted set missing from the others",
    "numkeys:integer key... [WITHSCORES]",
);
pub const ZINTERCARD: Doc = d(
    G,
    "7.0.0",
    "O(N*K) worst case with N being the smallest input sorted set, K being the number of input sorted sets.",
    "Count the members of the intersection of sorted sets",
    "numkeys:integer key... [LIMIT limit:integer]",
);
pub const ZUNIONSTORE: Doc = d(
    G,
    "2.0.0",
    "O(N)+O(M log(M)) with N being the sum of the sizes of the input sorted sets, and M being the number of elements in the resulting sorted set.",
    "Store the union of sorted sets",
    "destination:key numkeys:integer key... [WEIGHTS weight:integer...] [AGGREGATE aggregate=(SUM|MIN|MAX)]",
);
pub const ZINTERSTORE: Doc = d(
    G,
    "2.0.0",
    INTER,
    "Store the intersection of sorted sets",
    "destination:key numkeys:integer key... [WEIGHTS weight:integer...] [AGGREGATE aggregate=(SUM|MIN|MAX)]",
);
pub const ZDIFFSTORE: Doc =
    d(G, "6.2.0", DIFF, "Store the difference of sorted sets", "destination:key numkeys:integer key...");
pub const ZRANDMEMBER: Doc = d(
    G,
    "6.2.0",
    "O(N) where N is the number of elements returned",
    "Return random members",
    "key options=[count:integer [WITHSCORES]]",
);
pub const ZSCAN: Doc = d(
    G,
    "2.8.0",
    "O(1) for every call. O(N) for a complete iteration, including enough command calls for the cursor to return back to 0. N is the number of elements inside the collection..",
    "Iterate over the members and scores of a sorted set",
    "key cursor:integer [MATCH pattern:pattern] [COUNT count:integer]",
);
