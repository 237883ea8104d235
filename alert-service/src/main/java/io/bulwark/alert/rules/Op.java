package io.bulwark.alert.rules;

/** A comparison of an observed value with a rule's threshold. */
public enum Op {
  GT(">"), GE(">="), LT("<"), LE("<="), EQ("=="), NE("!=");

  private final String symbol;

  Op(String symbol) {
    this.symbol = symbol;
  }

  public String symbol() {
    return symbol;
  }

  /** NaN never satisfies a comparison: a signal that cannot be computed does not fire. */
  public boolean test(double observed, double threshold) {
    if (Double.isNaN(observed)) {
      return false;
    }
    return switch (this) {
      case GT -> observed > threshold;
      case GE -> observed >= threshold;
      case LT -> observed < threshold;
      case LE -> observed <= threshold;
      case EQ -> observed == threshold;
      case NE -> observed != threshold;
    };
  }

  public static Op of(String symbol) {
    for (Op op : values()) {
      if (op.symbol.equals(symbol)) {
        return op;
      }
    }
    return null;
  }
}
