package org.syncready.controller.audit;

class InMemoryAuditStoreTest extends AuditStoreContract {
    @Override
    protected AuditStore newStore() {
        return new InMemoryAuditStore();
    }
}
