package org.syncready.controller.alert;

class InMemoryAlertStoreTest extends AlertStoreContract {
    @Override
    protected AlertStore newStore() {
        return new InMemoryAlertStore();
    }
}
