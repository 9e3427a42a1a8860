package org.syncready.controller.enroll;

class InMemoryEnrollmentStoreTest extends EnrollmentStoreContract {
    @Override
    protected EnrollmentStore newStore() {
        return new InMemoryEnrollmentStore();
    }
}
