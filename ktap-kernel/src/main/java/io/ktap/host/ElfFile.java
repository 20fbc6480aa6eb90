package io.ktap.host;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Optional;

/**
 * A minimal ELF64 reader: program headers, section headers, and the symbols of {@code .symtab}
 * and {@code .dynsym}, enough to turn {@code binary:function} into the file offset a uprobe
 * needs. The file is mapped read-only; nothing is copied until a symbol is asked for.
 */
public final class ElfFile {
    /** e_type values. */
    public static final int ET_EXEC = 2;
    public static final int ET_DYN = 3;

    static final int PT_LOAD = 1;
    static final int SHT_SYMTAB = 2;
    static final int SHT_DYNSYM = 11;
    static final int STT_FUNC = 2;
    static final int STT_GNU_IFUNC = 10;
    static final int SHN_UNDEF = 0;
    static final int SHN_XINDEX = 0xffff;

    /**
     * One symbol.
     *
     * @param name    the symbol's name (without a version suffix)
     * @param value   its virtual address (st_value)
     * @param size    its size in bytes
     * @param type    STT_* ({@code 2} = function)
     * @param binding STB_* ({@code 0} local, {@code 1} global, {@code 2} weak)
     * @param section the index of its section, 0 if undefined
     * @param dynamic whether it came from {@code .dynsym}
     */
    public record Symbol(String name, long value, long size, int type, int binding, int section, boolean dynamic) {
        public boolean isFunction() {
            return type == STT_FUNC || type == STT_GNU_IFUNC;
        }

        public boolean isDefined() {
            return section != SHN_UNDEF;
        }
    }

    /** A loadable segment: file bytes [offset, offset+fileSize) are mapped at [vaddr, vaddr+fileSize). */
    public record Segment(long offset, long vaddr, long fileSize, long memSize, int flags) {
    }

    private record Section(int nameIndex, int type, long addr, long offset, long size, int link, long entrySize) {
    }

    /**
     * A userspace statically defined tracing marker (SDT) from the {@code .note.stapsdt} section,
     * as {@code STAP_PROBE*} macros emit them.
     *
     * @param provider  the marker's provider ({@code libc})
     * @param name      the marker's name ({@code setjmp})
     * @param pc        the marker's virtual address (adjusted for prelinking)
     * @param semaphore the virtual address of its semaphore, or 0 when it has none
     * @param args      its argument descriptions ({@code -4@%edi 8@%rsi}), as written
     */
    public record SdtNote(String provider, String name, long pc, long semaphore, String args) {
    }

    private final Path path;
    private final ByteBuffer data;
    private final int type;
    private final int machine;
    private final List<Segment> loads;
    private final List<Section> sections;
    private final Section sectionNames;
    private List<Symbol> symbols;

    private ElfFile(Path path, ByteBuffer data) throws HostException {
        this.path = path;
        this.data = data;
        if (data.capacity() < 64 || data.get(0) != 0x7f || data.get(1) != 'E' || data.get(2) != 'L' || data.get(3) != 'F') {
            throw fail("not an ELF file");
        }
        int elfClass = data.get(4);
        int encoding = data.get(5);
        if (elfClass != 2) {
            throw fail("not a 64-bit ELF file (class " + elfClass + ")");
        }
        data.order(encoding == 2 ? ByteOrder.BIG_ENDIAN : ByteOrder.LITTLE_ENDIAN);
        type = u16(16);
        machine = u16(18);
        long phoff = data.getLong(32);
        long shoff = data.getLong(40);
        int phentsize = u16(54);
        int phnum = u16(56);
        int shentsize = u16(58);
        int shnum = u16(60);
        int shstrndx = u16(62);

        List<Segment> segs = new ArrayList<>();
        for (int i = 0; i < phnum; i++) {
            int at = checkedOffset(phoff + (long) i * phentsize, 56);
            if (data.getInt(at) == PT_LOAD) {
                segs.add(new Segment(data.getLong(at + 8), data.getLong(at + 16), data.getLong(at + 32),
                        data.getLong(at + 40), data.getInt(at + 4)));
            }
        }
        loads = Collections.unmodifiableList(segs);

        List<Section> secs = new ArrayList<>();
        if (shoff != 0) {
            if (shnum == 0) {
                // Extended numbering: the real count lives in section 0's sh_size.
                shnum = (int) data.getLong(checkedOffset(shoff, 64) + 32);
            }
            for (int i = 0; i < shnum; i++) {
                int at = checkedOffset(shoff + (long) i * shentsize, 64);
                secs.add(new Section(data.getInt(at), data.getInt(at + 4), data.getLong(at + 16), data.getLong(at + 24),
                        data.getLong(at + 32), data.getInt(at + 40), data.getLong(at + 56)));
            }
            if (shstrndx == SHN_XINDEX && !secs.isEmpty()) {
                shstrndx = secs.get(0).link();
            }
        }
        sections = Collections.unmodifiableList(secs);
        sectionNames = shstrndx > 0 && shstrndx < secs.size() ? secs.get(shstrndx) : null;
    }

    /** Maps and parses an ELF64 file's headers. */
    public static ElfFile open(Path path) throws HostException {
        try (FileChannel ch = FileChannel.open(path, StandardOpenOption.READ)) {
            ByteBuffer data = ch.map(FileChannel.MapMode.READ_ONLY, 0, ch.size());
            return new ElfFile(path, data);
        } catch (IOException e) {
            throw new HostException("cannot read " + path + ": " + e.getMessage(), e);
        } catch (IndexOutOfBoundsException e) {
            throw new HostException(path + ": truncated or malformed ELF file", e);
        }
    }

    public Path path() {
        return path;
    }

    /** e_type: {@link #ET_EXEC} for a fixed-address executable, {@link #ET_DYN} for PIE and shared objects. */
    public int type() {
        return type;
    }

    /** e_machine (62 = x86_64, 183 = aarch64). */
    public int machine() {
        return machine;
    }

    public List<Segment> loadSegments() {
        return loads;
    }

    /** Every symbol of {@code .symtab} then {@code .dynsym}, in table order. */
    public List<Symbol> symbols() throws HostException {
        if (symbols == null) {
            List<Symbol> all = new ArrayList<>();
            try {
                readSymbols(SHT_SYMTAB, all);
                readSymbols(SHT_DYNSYM, all);
            } catch (IndexOutOfBoundsException | IllegalArgumentException e) {
                throw new HostException(path + ": malformed symbol table", e);
            }
            symbols = Collections.unmodifiableList(all);
        }
        return symbols;
    }

    private void readSymbols(int sectionType, List<Symbol> out) throws HostException {
        for (Section s : sections) {
            if (s.type() != sectionType || s.entrySize() < 24) {
                continue;
            }
            if (s.link() <= 0 || s.link() >= sections.size()) {
                throw fail("symbol table links to no string table");
            }
            Section strtab = sections.get(s.link());
            long count = s.size() / s.entrySize();
            for (long i = 0; i < count; i++) {
                int at = checkedOffset(s.offset() + i * s.entrySize(), 24);
                int nameIndex = data.getInt(at);
                int info = data.get(at + 4) & 0xff;
                int shndx = u16(at + 6);
                long value = data.getLong(at + 8);
                long size = data.getLong(at + 16);
                if (nameIndex == 0) {
                    continue;
                }
                String name = string(strtab, nameIndex);
                out.add(new Symbol(name, value, size, info & 0xf, info >>> 4, shndx, sectionType == SHT_DYNSYM));
            }
        }
    }

    /**
     * The defined function with that name: a global or weak definition is preferred to a local one
     * (static functions of the same name may exist in several compilation units).
     */
    public Optional<Symbol> function(String name) throws HostException {
        Symbol local = null;
        for (Symbol s : symbols()) {
            if (s.isFunction() && s.isDefined() && s.value() != 0 && s.name().equals(name)) {
                if (s.binding() != 0) {
                    return Optional.of(s);
                }
                if (local == null) {
                    local = s;
                }
            }
        }
        return Optional.ofNullable(local);
    }

    /**
     * The SDT markers of the {@code .note.stapsdt} section, in note order (empty when the file has
     * none). Addresses are adjusted by the difference between the {@code .stapsdt.base} section's
     * address and the base each note recorded, as prelinking may have moved the file.
     */
    public List<SdtNote> sdtNotes() throws HostException {
        Section notes = section(".note.stapsdt");
        if (notes == null) {
            return List.of();
        }
        Section base = section(".stapsdt.base");
        List<SdtNote> out = new ArrayList<>();
        long at = notes.offset();
        long end = notes.offset() + notes.size();
        try {
            while (at + 12 <= end) {
                int p = checkedOffset(at, 12);
                int nameSize = data.getInt(p);
                int descSize = data.getInt(p + 4);
                int type = data.getInt(p + 8);
                long nameAt = at + 12;
                long descAt = nameAt + align4(nameSize);
                at = descAt + align4(descSize);
                if (nameSize < 0 || descSize < 0 || at > end) {
                    throw fail("malformed .note.stapsdt entry");
                }
                if (type != NT_STAPSDT || nameSize != 8 || !"stapsdt".equals(cString(nameAt, nameAt + nameSize))
                        || descSize < 24 + 3) {
                    continue;
                }
                int d = checkedOffset(descAt, descSize);
                long pc = data.getLong(d);
                long noteBase = data.getLong(d + 8);
                long semaphore = data.getLong(d + 16);
                long limit = descAt + descSize;
                long strAt = descAt + 24;
                String provider = cString(strAt, limit);
                strAt += provider.getBytes(StandardCharsets.UTF_8).length + 1;
                String name = cString(strAt, limit);
                strAt += name.getBytes(StandardCharsets.UTF_8).length + 1;
                String args = strAt < limit ? cString(strAt, limit) : "";
                if (base != null && noteBase != 0) {
                    long delta = base.addr() - noteBase;
                    pc += delta;
                    if (semaphore != 0) {
                        semaphore += delta;
                    }
                }
                out.add(new SdtNote(provider, name, pc, semaphore, args));
            }
        } catch (IndexOutOfBoundsException e) {
            throw fail("malformed .note.stapsdt section");
        }
        return out;
    }

    private static final int NT_STAPSDT = 3;

    private static long align4(long n) {
        return (n + 3) & ~3L;
    }

    private String cString(long from, long limit) throws HostException {
        int start = checkedOffset(from, 0);
        int end = start;
        int max = (int) Math.min(limit, data.capacity());
        while (end < max && data.get(end) != 0) {
            end++;
        }
        byte[] bytes = new byte[end - start];
        data.get(start, bytes);
        return new String(bytes, StandardCharsets.UTF_8);
    }

    private Section section(String name) throws HostException {
        if (sectionNames == null) {
            return null;
        }
        for (Section s : sections) {
            if (s.nameIndex() > 0 && s.nameIndex() < sectionNames.size() && string(sectionNames, s.nameIndex()).equals(name)) {
                return s;
            }
        }
        return null;
    }

    /**
     * The file offset holding the byte mapped at a virtual address: through the PT_LOAD segment
     * that contains it, as the kernel's uprobe placement wants ({@code path:offset}).
     */
    public Optional<Long> fileOffset(long vaddr) {
        for (Segment seg : loads) {
            if (Long.compareUnsigned(vaddr, seg.vaddr()) >= 0
                    && Long.compareUnsigned(vaddr - seg.vaddr(), seg.fileSize()) < 0) {
                return Optional.of(vaddr - seg.vaddr() + seg.offset());
            }
        }
        return Optional.empty();
    }

    private String string(Section strtab, int index) throws HostException {
        if (index < 0 || index >= strtab.size()) {
            throw fail("string index " + index + " outside its table");
        }
        int start = checkedOffset(strtab.offset() + index, 1);
        int limit = (int) Math.min(strtab.offset() + strtab.size(), data.capacity());
        int end = start;
        while (end < limit && data.get(end) != 0) {
            end++;
        }
        byte[] bytes = new byte[end - start];
        data.get(start, bytes);
        return new String(bytes, StandardCharsets.UTF_8);
    }

    private int u16(int at) {
        return data.getShort(at) & 0xffff;
    }

    private int checkedOffset(long offset, int length) throws HostException {
        if (offset < 0 || offset + length > data.capacity()) {
            throw fail("header or table at " + offset + " runs past the end of the file");
        }
        return (int) offset;
    }

    private HostException fail(String why) {
        return new HostException(path + ": " + why);
    }
}
