package org.syncready.controller.readiness;

class InMemoryCheckStoreTest extends CheckStoreContract {
    @Override
    protected CheckStore newStore() {
        return new InMemoryCheckStore();
    }
}
