package io.ktap.vm;

/**
 * A captured variable. While open it refers to a stack slot of a live frame (shared by every
 * closure capturing that slot); when the frame ends it is closed and holds the value itself.
 */
final class UpVal {

    /** The stack slot while open. */
    int index;
    boolean open = true;
    Object ref;
    long num;
    /** The next open upvalue, at a lower slot. */
    UpVal next;

    UpVal(int index) {
        this.index = index;
    }
}
