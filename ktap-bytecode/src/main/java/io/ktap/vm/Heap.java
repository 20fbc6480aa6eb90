package io.ktap.vm;

/** Accounts for table entries against the quota on entries of all live tables together. */
interface Heap {

    /** No quota: tables outside a VM. */
    Heap UNLIMITED = new Heap() {
        @Override
        public void entryAdded() {
        }

        @Override
        public void entriesRemoved(int n) {
        }
    };

    /**
     * Called before an entry is added.
     *
     * @throws KtapError {@code "table quota exceeded"} when the live tables already hold the quota
     */
    void entryAdded();

    void entriesRemoved(int n);
}
