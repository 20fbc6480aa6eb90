package io.ktap.cli;

import io.ktap.ast.Program;

/** {@code ktap -b}: compiles a program to its ktapvm chunk and lists it readably. */
@FunctionalInterface
public interface Disassembler {

    /** The readable listing of the chunk {@code program} compiles to. */
    String disassemble(String name, Program program);
}
