package io.ktap.api;

/**
 * The statements of a block: a probe handler, a function body, a loop or branch. Handlers and
 * nested blocks receive one through a lambda:
 * <pre>{@code
 * .trace("syscalls:sys_enter_*", h -> h.add(index(name("s"), argname()), 1))
 * }</pre>
 * See {@link Statements} for every statement it can hold.
 */
public final class Body extends Statements<Body> {

    Body() {
    }
}
